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
    return applyWith(password, closedPort());
  }

  private static BatchResult applyWith(java.util.function.Supplier<String> password, int port) {
    TargetUrl url = TargetUrl.parse("postgresql://u@127.0.0.1:" + port + "/db/public/t");
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
    assertThat(result.targetUnreachable()).as("refused: not reached").isTrue();
  }

  @Test
  void aServerThatAnswersTheLoginWithAnErrorWasReached() throws Exception {
    // The server is there and says why it takes no connection now (too many clients): retried as
    // before, but a give-up must not say the database could not be reached.
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread answering =
          new Thread(
              () -> {
                try {
                  while (!server.isClosed()) {
                    try (java.net.Socket client = server.accept()) {
                      answerLoginWith(client, "53300", "sorry, too many clients already");
                    }
                  }
                } catch (IOException closed) {
                  // the test is over
                }
              },
              "fake-postgres");
      answering.setDaemon(true);
      answering.start();

      BatchResult result = applyWith(() -> null, server.getLocalPort());

      assertThat(result.succeeded()).isFalse();
      assertThat(result.failure().orElseThrow()).contains("too many clients");
      assertThat(result.targetUnreachable()).as(result.failure().orElseThrow()).isFalse();
    }
  }

  /**
   * Plays a PostgreSQL server up to the login: no SSL, then a FATAL error with {@code state} for
   * the startup message.
   */
  private static void answerLoginWith(java.net.Socket client, String state, String message)
      throws IOException {
    java.io.DataInputStream in = new java.io.DataInputStream(client.getInputStream());
    java.io.DataOutputStream out = new java.io.DataOutputStream(client.getOutputStream());
    while (true) {
      int length = in.readInt();
      int code = in.readInt();
      in.readFully(new byte[length - 8]);
      if (code == 80877103 || code == 80877104) {
        // SSLRequest, GSSENCRequest: not here.
        out.writeByte('N');
        out.flush();
        continue;
      }
      java.io.ByteArrayOutputStream fields = new java.io.ByteArrayOutputStream();
      for (String field : List.of("SFATAL", "VFATAL", "C" + state, "M" + message)) {
        fields.write(field.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        fields.write(0);
      }
      fields.write(0);
      out.writeByte('E');
      out.writeInt(4 + fields.size());
      out.write(fields.toByteArray());
      out.flush();
      return;
    }
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
