package io.cdcrelay.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cdcrelay.testing.Upstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * An HTTP proxy on loopback in front of moto_server whose {@code GetEventSourceMapping} answers the
 * states AWS goes through after {@code CreateEventSourceMapping} (moto's mapping is Enabled at
 * once): each answer takes the next scripted state until none is left, then moto's own.
 */
final class MappingStateProxy implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GET_MAPPING =
      Pattern.compile("/2015-03-31/event-source-mappings/[0-9a-fA-F-]+/?");
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  private final int upstreamPort;
  private final HttpServer server;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Deque<String> states = new ConcurrentLinkedDeque<>();
  private final List<String> answered = new CopyOnWriteArrayList<>();

  MappingStateProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The next GetEventSourceMapping answers say these states, one each. */
  void answerStates(String... next) {
    states.addAll(List.of(next));
  }

  /** The state each GetEventSourceMapping answered, in order. */
  List<String> answered() {
    return List.copyOf(answered);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpResponse<byte[]> response =
          Upstream.send(http, upstreamPort, exchange, body, Duration.ofSeconds(30), NOT_FORWARDED);
      if ("GET".equals(exchange.getRequestMethod())
          && GET_MAPPING.matcher(exchange.getRequestURI().getPath()).matches()
          && response.statusCode() == 200) {
        ObjectNode mapping = (ObjectNode) JSON.readTree(response.body());
        String state = states.poll();
        if (state != null) {
          mapping.put("State", state);
          mapping.put("StateTransitionReason", "scripted by the test");
        }
        answered.add(mapping.path("State").asText());
        response = new Rewritten(response, JSON.writeValueAsBytes(mapping));
      }
      Upstream.answer(exchange, response);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A response with another body. */
  private record Rewritten(HttpResponse<byte[]> original, byte[] body)
      implements HttpResponse<byte[]> {
    @Override
    public int statusCode() {
      return original.statusCode();
    }

    @Override
    public java.net.http.HttpRequest request() {
      return original.request();
    }

    @Override
    public java.util.Optional<HttpResponse<byte[]>> previousResponse() {
      return original.previousResponse();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return original.headers();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return original.sslSession();
    }

    @Override
    public java.net.URI uri() {
      return original.uri();
    }

    @Override
    public HttpClient.Version version() {
      return original.version();
    }
  }
}
