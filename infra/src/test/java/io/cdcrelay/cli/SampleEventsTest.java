package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SequenceNumbers;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.lambda.KinesisEvents;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SampleEventsTest {

  private static final Path EVENTS_DIR = Path.of("..", "events");
  private static final String REGENERATE =
      "events/ is out of date with SampleEvents.generate(); regenerate it from the repository"
          + " root with: java -jar infra/target/relay.jar sample-events";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The DynamoDB event name of each record; null for the records that are poison. */
  private static final Map<String, List<String>> EVENT_NAMES =
      Map.of(
          "insert.json", List.of("INSERT"),
          "modify.json", List.of("MODIFY"),
          "remove.json", List.of("REMOVE"),
          "batch.json",
              List.of(
                  "INSERT", "INSERT", "INSERT", "INSERT", "MODIFY", "INSERT", "REMOVE", "INSERT"),
          "poison.json", Arrays.asList("INSERT", null, null, "INSERT"));

  private static final SortedMap<String, String> GENERATED = SampleEvents.generate();

  @Test
  void eventsDirectoryMatchesTheGenerator() throws IOException {
    SortedMap<String, String> committed = new TreeMap<>();
    try (Stream<Path> files = Files.list(EVENTS_DIR)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = file.getFileName().toString();
        if (name.endsWith(".json")) {
          committed.put(name, Files.readString(file, StandardCharsets.UTF_8));
        }
      }
    }
    assertThat(committed.keySet()).as(REGENERATE).isEqualTo(GENERATED.keySet());
    for (Map.Entry<String, String> file : GENERATED.entrySet()) {
      assertThat(committed.get(file.getKey()))
          .as(REGENERATE + " (" + file.getKey() + " differs)")
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void generatedTextIsDeterministicAndEndsWithANewline() {
    assertThat(SampleEvents.generate()).isEqualTo(GENERATED);
    assertThat(GENERATED.values()).allSatisfy(text -> assertThat(text).endsWith("}\n"));
  }

  @Test
  void recordsCarryTheExpectedDynamoDbChanges() throws IOException {
    assertThat(GENERATED.keySet()).isEqualTo(EVENT_NAMES.keySet());
    for (Map.Entry<String, String> file : GENERATED.entrySet()) {
      List<String> expected = EVENT_NAMES.get(file.getKey());
      JsonNode records = JSON.readTree(file.getValue()).path("Records");
      assertThat(records.size()).as(file.getKey()).isEqualTo(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        JsonNode record = records.get(i);
        String where = file.getKey() + " record " + i;
        assertThat(record.path("eventSource").asText()).as(where).isEqualTo("aws:kinesis");
        assertThat(record.path("eventID").asText())
            .as(where)
            .isEqualTo(
                "shardId-000000000000:" + record.path("kinesis").path("sequenceNumber").asText());
        assertThat(record.path("kinesis").path("partitionKey").asText())
            .as(where)
            .matches("[0-9A-F]{32}");
        String eventName = expected.get(i);
        if (eventName == null) {
          continue;
        }
        JsonNode change = JSON.readTree(data(record));
        assertThat(change.path("eventName").asText()).as(where).isEqualTo(eventName);
        assertThat(change.path("eventSource").asText()).as(where).isEqualTo("aws:dynamodb");
        assertThat(change.path("tableName").asText()).as(where).isEqualTo("demo");
        JsonNode dynamodb = change.path("dynamodb");
        assertThat(fieldNames(dynamodb.path("Keys")))
            .as(where)
            .containsExactly("device", "timestamp");
        assertThat(dynamodb.has("NewImage")).as(where).isEqualTo(!eventName.equals("REMOVE"));
        assertThat(dynamodb.has("OldImage")).as(where).isEqualTo(!eventName.equals("INSERT"));
      }
    }
  }

  @Test
  void insertHoldsEveryDynamoDbType() throws IOException {
    JsonNode newImage =
        JSON.readTree(data(records("insert.json").get(0))).path("dynamodb").path("NewImage");
    List<String> types = new ArrayList<>();
    for (JsonNode value : newImage) {
      types.add(value.fieldNames().next());
    }
    assertThat(types)
        .contains("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")
        .filteredOn("N"::equals)
        .hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void poisonHoldsNonJsonAndForeignRecords() throws IOException {
    JsonNode records = records("poison.json");
    assertThat(new String(data(records.get(1)), StandardCharsets.UTF_8))
        .isEqualTo("this is not json");
    assertThatThrownBy(() -> JSON.readTree(data(records.get(1))))
        .isInstanceOf(JsonProcessingException.class);
    assertThat(JSON.readTree(data(records.get(2))).path("eventSource").asText())
        .isEqualTo("aws:s3");
  }

  @Test
  void sequenceNumbersAndCreationTimesIncrease() throws IOException {
    List<Long> timeline = new ArrayList<>();
    for (String name : List.of("insert.json", "modify.json", "remove.json")) {
      timeline.add(createdMicros(records(name).get(0)));
    }
    assertThat(timeline).isSorted().doesNotHaveDuplicates();

    for (String name : GENERATED.keySet()) {
      BigInteger previous = BigInteger.ZERO;
      long previousCreated = 0;
      for (JsonNode record : records(name)) {
        String sequenceNumber = record.path("kinesis").path("sequenceNumber").asText();
        assertThat(sequenceNumber).as(name).hasSize(56);
        BigInteger current = new BigInteger(SequenceNumbers.requireValid(sequenceNumber));
        assertThat(current).as(name).isGreaterThan(previous);
        previous = current;
        if (isDynamoDbChange(record)) {
          long created = createdMicros(record);
          assertThat(created).as(name).isGreaterThan(previousCreated);
          previousCreated = created;
        }
      }
    }
  }

  @Test
  void lambdaDeserializesTheEventsAndTheDecoderSortsOutThePoison() {
    DynamoDbChangeDecoder decoder = new DynamoDbChangeDecoder();
    for (Map.Entry<String, String> file : GENERATED.entrySet()) {
      KinesisEvent event =
          LambdaEventSerializers.serializerFor(KinesisEvent.class, getClass().getClassLoader())
              .fromJson(file.getValue());
      List<SourceRecord> records = KinesisEvents.toSourceRecords(event);
      List<String> expected = EVENT_NAMES.get(file.getKey());
      assertThat(records).as(file.getKey()).hasSize(expected.size());
      for (int i = 0; i < records.size(); i++) {
        assertThat(records.get(i).shardId()).isEqualTo("shardId-000000000000");
        assertThat(records.get(i).arrivedAt()).isAfter(Instant.ofEpochSecond(1720740233L));
        String where = file.getKey() + " record " + i;
        Decoded decoded = decoder.decode(records.get(i));
        if (expected.get(i) == null) {
          assertThat(decoded).as(where).isInstanceOf(Decoded.Poison.class);
        } else {
          assertThat(decoded).as(where).isInstanceOf(Decoded.Ok.class);
          assertThat(((Decoded.Ok) decoded).change().operation().name()).isEqualTo(expected.get(i));
        }
      }
    }
  }

  @Test
  void commandWritesTheFiles(@TempDir Path dir) throws IOException {
    StringWriter out = new StringWriter();
    int exitCode =
        new CommandLine(new SampleEventsCommand())
            .setOut(new PrintWriter(out))
            .execute("--dir", dir.toString());

    assertThat(exitCode).isZero();
    for (Map.Entry<String, String> file : GENERATED.entrySet()) {
      Path path = dir.resolve(file.getKey());
      assertThat(Files.readString(path, StandardCharsets.UTF_8)).isEqualTo(file.getValue());
      assertThat(out.toString()).contains(path.toString());
    }
  }

  private static JsonNode records(String name) throws IOException {
    return JSON.readTree(GENERATED.get(name)).path("Records");
  }

  private static byte[] data(JsonNode record) {
    return Base64.getDecoder().decode(record.path("kinesis").path("data").asText());
  }

  private static boolean isDynamoDbChange(JsonNode record) {
    try {
      return "aws:dynamodb".equals(JSON.readTree(data(record)).path("eventSource").asText());
    } catch (IOException e) {
      return false;
    }
  }

  private static long createdMicros(JsonNode record) throws IOException {
    return JSON.readTree(data(record))
        .path("dynamodb")
        .path("ApproximateCreationDateTime")
        .asLong();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
