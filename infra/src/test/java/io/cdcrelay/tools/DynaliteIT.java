package io.cdcrelay.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared dynalite outlives a client that disconnects in the middle of a request. */
class DynaliteIT {

  @Test
  void aClientKilledMidRequestDoesNotEndTheSharedServer() throws Exception {
    Dynalite server = Dynalite.get();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  + "Content-Type: application/x-amz-json-1.0\r\n"
                  + "X-Amz-Target: DynamoDB_20120810.ListTables\r\n"
                  + "Content-Length: 1000\r\n\r\n{\"Limit")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);
      socket.setSoLinger(true, 0); // close with a reset, as a process killed with kill -9 does
    }
    Thread.sleep(500);

    assertThat(Dynalite.get()).as("the same server, not a restarted one").isSameAs(server);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    // Unsigned, so DynamoDB's answer is an authentication error: what matters is that it answers.
    assertThat(response.body()).contains("__type");
  }
}
