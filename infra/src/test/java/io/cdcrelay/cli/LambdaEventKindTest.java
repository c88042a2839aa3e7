package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LambdaEventKindTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(Files.readAllBytes(file));
  }

  private static List<Path> samples(String dir) throws IOException {
    try (Stream<Path> files = Files.list(Path.of(dir))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  @Test
  void everySampleEventIsOfItsKind() throws IOException {
    assertThat(samples("../events")).hasSizeGreaterThanOrEqualTo(5);
    for (Path file : samples("../events")) {
      assertThat(LambdaEventKind.of(read(file)))
          .as(file.toString())
          .isEqualTo(LambdaEventKind.KINESIS);
    }
    assertThat(samples("../events/dynamodb-streams")).hasSizeGreaterThanOrEqualTo(6);
    for (Path file : samples("../events/dynamodb-streams")) {
      assertThat(LambdaEventKind.of(read(file)))
          .as(file.toString())
          .isEqualTo(LambdaEventKind.DYNAMODB_STREAMS);
    }
  }

  @Test
  void withoutAnEventSourceARecordsPartTellsItsKind() throws IOException {
    assertThat(LambdaEventKind.of(JSON.readTree("{\"Records\":[{\"kinesis\":{}}]}")))
        .isEqualTo(LambdaEventKind.KINESIS);
    assertThat(LambdaEventKind.of(JSON.readTree("{\"Records\":[{\"dynamodb\":{}}]}")))
        .isEqualTo(LambdaEventKind.DYNAMODB_STREAMS);
  }

  @Test
  void anEventMixingBothKindsIsRefusedNamingWhichRecordIsWhich() throws IOException {
    String mixed =
        "{\"Records\":[{\"eventSource\":\"aws:kinesis\"},{\"eventSource\":\"aws:kinesis\"},"
            + "{\"eventSource\":\"aws:dynamodb\"},{\"eventSource\":\"aws:kinesis\"}]}";
    assertThatThrownBy(() -> LambdaEventKind.of(JSON.readTree(mixed)))
        .hasMessage(
            "it mixes Kinesis records (records 1-2, 4), DynamoDB Streams records (record 3): a"
                + " Lambda event holds the records of one event source, a Kinesis stream or a"
                + " DynamoDB stream; split it into one file each");
  }

  @Test
  void anEventOfNeitherKindIsRefusedNamingWhatItHolds() throws IOException {
    String sqs =
        "{\"Records\":[{\"eventSource\":\"aws:sqs\"},{\"eventSource\":\"aws:sqs\"},{\"body\":1}]}";
    assertThatThrownBy(() -> LambdaEventKind.of(JSON.readTree(sqs)))
        .hasMessage(
            "it holds records of eventSource aws:sqs (records 1-2), records without an eventSource"
                + " nor one kinesis or dynamodb part (record 3): invoke runs Kinesis records"
                + " (eventSource aws:kinesis) or DynamoDB Streams records (eventSource"
                + " aws:dynamodb)");
    assertThatThrownBy(
            () ->
                LambdaEventKind.of(
                    JSON.readTree(
                        "{\"Records\":[{\"eventSource\":\"aws:kinesis\"},"
                            + "{\"eventSource\":\"aws:s3\"}]}")))
        .hasMessageStartingWith(
            "it holds Kinesis records (record 1), records of eventSource aws:s3 (record 2)");
    assertThatThrownBy(() -> LambdaEventKind.of(JSON.readTree("{\"Records\":[]}")))
        .hasMessageContaining("\"Records\" array is empty");
    assertThatThrownBy(() -> LambdaEventKind.of(JSON.readTree("[1, 2]")))
        .hasMessageContaining("no \"Records\" array");
  }
}
