package io.cdcrelay.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

/**
 * A target URL whose port speaks another protocol (CrateDB's HTTP port 4200, say): the first
 * connection fails as a bad configuration, which no retry fixes, not as an outage to wait out; a
 * server that closes the connection at once (as one going down does) stays an outage.
 */
class OtherProtocolPortTest {

  private static Throwable connectTo(String url) {
    try (JdbcTarget target =
        new JdbcTarget(TargetUrl.parse(url), () -> "pw0rdX", Clock.systemUTC(), 5, null)) {
      return catchThrowable(target::status);
    }
  }

  /**
   * A port that answers as an HTTP server answers bytes that are no request (CrateDB's port 4200
   * does so at once): a 400, then the connection closed.
   */
  private static Thread answering(ServerSocket server, String answer) {
    Thread thread =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  socket.getInputStream().read(new byte[8]);
                  socket.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
                  socket.getOutputStream().flush();
                } catch (java.io.IOException e) {
                  // Closed: the test is over.
                }
              }
            });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  @Test
  void anHttpPortIsABadTargetWithSslFirstAndWithout() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      answering(server, "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
      int port = server.getLocalPort();
      for (String options : new String[] {"", "?sslmode=disable"}) {
        Throwable failure = connectTo("postgresql://crate@127.0.0.1:" + port + "/doc/t" + options);
        assertThat(failure).as(options).isInstanceOf(BadTargetException.class);
        assertThat(failure.getMessage())
            .contains("cannot connect to jdbc:postgresql://127.0.0.1:" + port)
            .contains("the server answered in another protocol")
            .contains("not HTTP 4200")
            .doesNotContain("pw0rdX");
      }
    }
  }

  /** What connecting to a server that closes every connection at once gives. */
  private static Throwable closedAtOnce(boolean reset) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread closer =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket socket = server.accept()) {
                    if (reset) {
                      socket.setSoLinger(true, 0);
                    }
                  } catch (java.io.IOException e) {
                    return;
                  }
                }
              });
      closer.setDaemon(true);
      closer.start();
      return connectTo("postgresql://crate@127.0.0.1:" + server.getLocalPort() + "/doc/t");
    }
  }

  @Test
  void aServerThatClosesTheConnectionAtOnceIsAnOutage() throws Exception {
    Throwable reset = closedAtOnce(true);
    assertThat(reset).isInstanceOf(TargetUnavailableException.class);
    assertThat(reset.getMessage()).contains("Connection reset");
    // Closed without a word, as a server going down or a proxy without a database does: not
    // taken for another protocol.
    Throwable closed = closedAtOnce(false);
    assertThat(closed).isInstanceOf(TargetUnavailableException.class);
    assertThat(closed.getMessage())
        .contains("the server closed the connection before answering")
        .contains("a database starting or stopping")
        .doesNotContain("answered in another protocol");
  }

  @Test
  void onlyAProtocolViolationAnywhereInTheChainIsAnotherProtocol() {
    assertThat(
            JdbcConnections.answeredInAnotherProtocol(
                new SQLException(
                    "The connection attempt failed.",
                    "08001",
                    new SQLException("Protocol error.  Session setup failed.", "08P01"))))
        .isTrue();
    assertThat(
            JdbcConnections.answeredInAnotherProtocol(
                new SQLException(
                    "The connection attempt failed.", "08001", new java.io.EOFException())))
        .isFalse();
    assertThat(JdbcConnections.answeredInAnotherProtocol(new SQLException("refused", "08001")))
        .isFalse();
  }
}
