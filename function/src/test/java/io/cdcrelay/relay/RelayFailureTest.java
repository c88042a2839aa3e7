package io.cdcrelay.relay;

import static io.cdcrelay.testing.Records.record;
import static io.cdcrelay.testing.Records.sequenceNumber;
import static io.cdcrelay.testing.Records.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdcrelay.sink.JdbcTarget;
import io.cdcrelay.sink.TargetUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failures before anything reaches a database: the batch fails from its first record. */
class RelayFailureTest {

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static BatchResult applyWith(java.util.function.Supplier<String> password)
      throws IOException {
    TargetUrl url = TargetUrl.parse("postgresql://u@127.0.0.1:" + closedPort() + "/db/public/t");
    try (Relay relay =
        new Relay(
            new JdbcTarget(url, password, Clock.systemUTC(), 5),
            RelaySettings.single("public", "t"),
            Clock.systemUTC())) {
      return relay.apply(
          List.of(
              record(7, upsert("INSERT", "a", 1, "")), record(8, upsert("INSERT", "b", 2, ""))));
    }
  }

  @Test
  void unreachableDatabaseFailsTheBatchFromItsFirstRecord() throws IOException {
    BatchResult result = applyWith(() -> null);
    assertThat(result.succeeded()).isFalse();
    assertThat(result.failedFrom()).contains(sequenceNumber(7));
    assertThat(result.failure().orElseThrow()).startsWith("cannot connect to jdbc:postgresql://");
  }

  @Test
  void unreadablePasswordIsRetryableNotACrash() throws IOException {
    BatchResult result =
        applyWith(
            () -> {
              throw new IllegalStateException("Secrets Manager did not answer");
            });
    assertThat(result.failedFrom()).contains(sequenceNumber(7));
    assertThat(result.failure().orElseThrow())
        .isEqualTo("cannot read the database password: Secrets Manager did not answer");
  }

  @Test
  void recordThatCannotBeDecodedNeverEscapesAsAnException() throws IOException {
    String overflowing =
        upsert("INSERT", "b", 9_300_000_000_000_000L, "")
            .replace("\"MICROSECOND\"", "\"MILLISECOND\"");
    TargetUrl url = TargetUrl.parse("postgresql://u@127.0.0.1:" + closedPort() + "/db/public/t");
    try (Relay relay =
        new Relay(
            new JdbcTarget(url, () -> null, Clock.systemUTC(), 5),
            RelaySettings.single("public", "t"),
            Clock.systemUTC())) {
      BatchResult result =
          relay.apply(List.of(record(7, upsert("INSERT", "a", 1, "")), record(8, overflowing)));
      // Decoding went on past the bad record; only the missing database fails the batch.
      assertThat(result.failedFrom()).contains(sequenceNumber(7));
      assertThat(result.failure().orElseThrow()).startsWith("cannot connect to jdbc:postgresql://");
    }
  }

  @Test
  void emptyBatchNeedsNoDatabase() throws IOException {
    TargetUrl url = TargetUrl.parse("postgresql://u@127.0.0.1:" + closedPort() + "/db/public/t");
    try (Relay relay =
        new Relay(
            new JdbcTarget(url, () -> null, Clock.systemUTC(), 5),
            RelaySettings.single("public", "t"),
            Clock.systemUTC())) {
      assertThat(relay.apply(List.of()).succeeded()).isTrue();
    }
  }
}
