package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.cdcrelay.change.Decoded;
import io.cdcrelay.change.SourceRecord;
import io.cdcrelay.decode.DynamoDbChangeDecoder;
import io.cdcrelay.lambda.DynamoDbStreamsEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class DynamoDbStreamsSampleEventsTest {

  private static final Path DIR = Path.of("..", "events", DynamoDbStreamsSampleEvents.DIRECTORY);
  private static final SortedMap<String, String> GENERATED = DynamoDbStreamsSampleEvents.generate();

  /** The operation of each record; null for the records that are poison. */
  private static final Map<String, List<String>> OPERATIONS =
      Map.of(
          "insert.json", List.of("INSERT"),
          "modify.json", List.of("MODIFY"),
          "remove.json", List.of("REMOVE"),
          "ttl-remove.json", List.of("INSERT", "REMOVE"),
          "batch.json",
              List.of(
                  "INSERT", "INSERT", "INSERT", "MODIFY", "MODIFY", "INSERT", "REMOVE", "REMOVE",
                  "INSERT"),
          "poison.json", Arrays.asList("INSERT", null, null, null, "INSERT"));

  @Test
  void directoryMatchesTheGenerator() throws IOException {
    SortedMap<String, String> committed = new TreeMap<>();
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        committed.put(file.getFileName().toString(), Files.readString(file));
      }
    }
    assertThat(committed)
        .as(
            "events/dynamodb-streams/ is out of date; regenerate it from the repository root with:"
                + " java -jar infra/target/relay.jar sample-events")
        .isEqualTo(GENERATED);
    assertThat(DynamoDbStreamsSampleEvents.generate()).isEqualTo(GENERATED);
  }

  @Test
  void lambdaDeserializesTheEventsAndTheDecoderSortsOutThePoison() {
    DynamoDbChangeDecoder decoder =
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);
    assertThat(GENERATED.keySet()).isEqualTo(OPERATIONS.keySet());
    for (Map.Entry<String, String> file : GENERATED.entrySet()) {
      DynamodbEvent event =
          LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
              .fromJson(file.getValue());
      List<SourceRecord> records = DynamoDbStreamsEvents.toSourceRecords(event);
      List<String> operations = new ArrayList<>();
      for (SourceRecord record : records) {
        Decoded decoded = decoder.decode(record);
        operations.add(decoded instanceof Decoded.Ok ok ? ok.change().operation().name() : null);
        assertThat(record.shardId()).isEqualTo(DynamoDbStreamsSampleEvents.STREAM_ARN);
      }
      assertThat(operations).as(file.getKey()).isEqualTo(OPERATIONS.get(file.getKey()));
    }
  }

  @Test
  void ttlRemovalNamesDynamoDbAsItsUser() {
    DynamodbEvent event =
        LambdaEventSerializers.serializerFor(DynamodbEvent.class, getClass().getClassLoader())
            .fromJson(GENERATED.get("ttl-remove.json"));
    DynamoDbChangeDecoder decoder =
        new DynamoDbChangeDecoder(DynamoDbChangeDecoder.Format.DYNAMODB_STREAMS);
    List<SourceRecord> records = DynamoDbStreamsEvents.toSourceRecords(event);
    assertThat(((Decoded.Ok) decoder.decode(records.get(0))).change().ttlDeletion()).isFalse();
    assertThat(((Decoded.Ok) decoder.decode(records.get(1))).change().ttlDeletion()).isTrue();
    assertThat(new String(records.get(1).data(), StandardCharsets.UTF_8))
        .contains("\"principalId\":\"dynamodb.amazonaws.com\"");
  }
}
