package io.cdcrelay.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;

/**
 * The forwarding the test proxies in front of an emulator share: a request passed on to it with its
 * headers, and its answer passed back.
 */
public final class Upstream {

  private Upstream() {}

  /**
   * Sends the exchange's request, with {@code body}, to {@code 127.0.0.1:port} with its headers
   * except {@code notForwarded} (lower-case names: those the HTTP client sets itself, or refuses).
   */
  public static HttpResponse<byte[]> send(
      HttpClient http,
      int port,
      HttpExchange exchange,
      byte[] body,
      Duration timeout,
      Set<String> notForwarded)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + exchange.getRequestURI()))
            .timeout(timeout)
            .method(
                exchange.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!notForwarded.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
              }
            });
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Answers the exchange with the response: its status, headers (not hop-by-hop) and body. */
  public static void answer(HttpExchange exchange, HttpResponse<byte[]> response)
      throws IOException {
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!lower.startsWith(":")
                  && !lower.equals("content-length")
                  && !lower.equals("transfer-encoding")
                  && !lower.equals("connection")
                  && !lower.equals("keep-alive")) {
                exchange.getResponseHeaders().put(name, new ArrayList<>(values));
              }
            });
    byte[] answer = response.body();
    boolean noBody = answer.length == 0 || "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : answer.length);
    if (!noBody) {
      try (OutputStream o = exchange.getResponseBody()) {
        o.write(answer);
      }
    }
  }
}
