package io.cdcrelay.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.kinesis.KinesisLocal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The stream part of {@code relay provision}, {@code sam-params} and {@code teardown} against
 * kinesis-local, the Kinesis engine LocalStack uses: creating and waiting for the stream, finding
 * the record a {@code seqno} start names, removing what was created.
 */
class ProvisionKinesisLocalIT {

  private static KinesisLocal kinesis;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() {
    kinesis = KinesisLocal.get();
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine command = new CommandLine(new RelayCli());
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return command.execute(args);
  }

  private void ok(String... args) {
    assertThat(run(args)).as(String.join(" ", args) + "\n" + out + err).isZero();
  }

  private static String unique(String name) {
    return name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
  }

  @Test
  void createsTheStreamWaitsUntilActiveThenFindsItPresentAndTearsItDown()
      throws InterruptedException {
    String stream = unique("provisioned");
    String url = kinesis.url(stream, "create=true&create-shards=2");

    ok("provision", url, "--dry-run");
    assertThat(kinesis.exists(stream)).isFalse();

    ok("provision", url);
    assertThat(
            kinesis
                .client()
                .describeStreamSummary(r -> r.streamName(stream))
                .streamDescriptionSummary())
        .satisfies(
            s -> {
              assertThat(s.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
              assertThat(s.openShardCount()).isEqualTo(2);
            });

    ok("provision", url);
    assertThat(out.toString()).containsPattern("stream +already present +" + stream);
    assertThat(out.toString()).contains("Nothing changed");

    ok("teardown", url);
    assertThat(out.toString()).containsPattern("stream +deleted +" + stream);
    // DeleteStream is asynchronous: the stream is DELETING, then gone.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (kinesis.exists(stream) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(kinesis.exists(stream)).as("stream deleted within 10 s").isFalse();
  }

  @Test
  void seqnoStartIsFoundInItsShardAndGivesTheMappingItsTimestamp() {
    String stream = unique("replay");
    kinesis.createStream(stream, 2);
    List<Map.Entry<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      records.add(Map.entry("item-" + i, ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
    }
    List<PutRecordsResultEntry> puts = kinesis.put(stream, records);
    PutRecordsResultEntry start = puts.get(5);

    ok("sam-params", kinesis.url(stream, "start=seqno-at&seqno=" + start.sequenceNumber()));
    assertThat(out.toString().trim())
        .containsPattern("StartingPosition=AT_TIMESTAMP StartingPositionTimestamp=\\d{10}")
        .contains(
            "StartShardId=" + start.shardId(),
            "StartSequenceNumber=" + start.sequenceNumber(),
            "StartMode=at");

    assertThat(run("sam-params", kinesis.url(stream, "start=seqno-at&seqno=12345"))).isEqualTo(1);
    assertThat(err.toString())
        .contains("sequence number 12345 is in no shard of the stream " + stream);
  }

  @Test
  void missingStreamWithoutCreateIsNamedAndNothingIsCreated() {
    String stream = unique("absent");
    assertThat(run("provision", kinesis.url(stream, ""))).as(err.toString()).isEqualTo(2);
    assertThat(err.toString()).contains("Nothing to provision");
    assertThat(run("sam-params", kinesis.url(stream, ""))).as(err.toString()).isEqualTo(1);
    assertThat(err.toString()).contains("the stream " + stream + " does not exist");
    assertThat(kinesis.exists(stream)).isFalse();
  }
}
