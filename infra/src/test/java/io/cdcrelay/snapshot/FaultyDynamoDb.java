package io.cdcrelay.snapshot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP/1.1 proxy on loopback in front of a DynamoDB emulator, to make Scan fail the way DynamoDB
 * does: it forwards every request unchanged, except that it can be told to let some Scan requests
 * through and then answer every further one with HTTP 500 {@code InternalServerError} until {@link
 * #heal()}. It counts the Scan requests and adds up the {@code ConsumedCapacity} and the times of
 * their answers: an independent measure of what a load consumed. It can also answer {@code
 * BatchGetItem} the way DynamoDB does when it runs short of capacity: only the first few keys are
 * read, the others come back as {@code UnprocessedKeys}.
 */
public final class FaultyDynamoDb implements AutoCloseable {

  static final String SCAN = "DynamoDB_20120810.Scan";
  static final String BATCH_GET_ITEM = "DynamoDB_20120810.BatchGetItem";

  private static final Set<String> NOT_FORWARDED =
      Set.of(
          "host",
          "content-length",
          "connection",
          "expect",
          "upgrade",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "proxy-connection",
          "http2-settings",
          "accept-encoding");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int upstreamPort;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;
  private final AtomicInteger passBeforeFailing = new AtomicInteger(-1);
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicLong scanDelayMillis = new AtomicLong();
  private final AtomicInteger scans = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile boolean denyTimeToLive;
  private final AtomicLong consumedMilliUnits = new AtomicLong();
  private final AtomicLong firstScanNanos = new AtomicLong();
  private final AtomicLong lastScanNanos = new AtomicLong();
  private final AtomicInteger batchGetProcessing = new AtomicInteger(-1);
  private final AtomicInteger batchGets = new AtomicInteger();
  private final AtomicInteger keysLeftUnprocessed = new AtomicInteger();

  /** Starts the proxy on a free port of 127.0.0.1, in front of {@code 127.0.0.1:upstreamPort}. */
  public FaultyDynamoDb(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "faulty-dynamodb");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answers every {@code DescribeTimeToLive} as DynamoDB does without the permission. */
  public void denyDescribeTimeToLive() {
    denyTimeToLive = true;
  }

  /** Lets {@code passing} more Scan requests through, then fails every further one. */
  public void failScansAfter(int passing) {
    passBeforeFailing.set(passing);
  }

  /** Answers the next {@code calls} Scan requests with a fault, then lets them through again. */
  public void failNextScans(int calls) {
    failNext.set(calls);
  }

  /** Holds every further Scan request for {@code millis} before it is forwarded; 0 stops it. */
  public void delayScans(long millis) {
    scanDelayMillis.set(millis);
  }

  /**
   * Reads at most {@code keys} keys of every further BatchGetItem request (0: none) and answers the
   * others as unprocessed; -1 lets the requests through whole again.
   */
  public void processBatchGetKeys(int keys) {
    batchGetProcessing.set(keys);
  }

  /** Lets every request through again. */
  public void heal() {
    passBeforeFailing.set(-1);
    batchGetProcessing.set(-1);
  }

  /** The BatchGetItem requests seen. */
  public int batchGets() {
    return batchGets.get();
  }

  /** The keys answered as unprocessed, all BatchGetItem requests together. */
  public int keysLeftUnprocessed() {
    return keysLeftUnprocessed.get();
  }

  /** The Scan requests seen. */
  public int scans() {
    return scans.get();
  }

  private final List<Integer> scanSegments =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());

  /** The segment of each Scan request seen, in the order they came (-1: no segment). */
  public List<Integer> scanSegments() {
    synchronized (scanSegments) {
      return List.copyOf(scanSegments);
    }
  }

  private final AtomicInteger scansAskingForCapacity = new AtomicInteger();

  /**
   * The Scan requests seen that asked for their consumed capacity ({@code ReturnConsumedCapacity}).
   */
  public int scansAskingForCapacity() {
    return scansAskingForCapacity.get();
  }

  /** The Scan requests answered with a fault. */
  public int failedScans() {
    return failed.get();
  }

  /** The capacity units the forwarded Scans consumed, as their answers say. */
  public double consumedCapacity() {
    return consumedMilliUnits.get() / 1000.0;
  }

  /** Seconds from the first Scan request to the last Scan answer. */
  public double scanSeconds() {
    return (lastScanNanos.get() - firstScanNanos.get()) / 1e9;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** Answers as DynamoDB answers an error: {@code status}, and {@code json} naming it. */
  private static void answerError(HttpExchange exchange, int status, String json)
      throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(body);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      boolean scan = SCAN.equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      if (scan) {
        scans.incrementAndGet();
        JsonNode request = MAPPER.readTree(body);
        scanSegments.add(request.path("Segment").asInt(-1));
        if (!"NONE".equals(request.path("ReturnConsumedCapacity").asText("NONE"))) {
          scansAskingForCapacity.incrementAndGet();
        }
        firstScanNanos.compareAndSet(0, System.nanoTime());
        if (failNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0
            || passBeforeFailing.getAndUpdate(n -> n > 0 ? n - 1 : n) == 0) {
          failed.incrementAndGet();
          answerError(
              exchange,
              500,
              "{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                  + "\"message\":\"Internal server error (injected)\"}");
          return;
        }
        long delay = scanDelayMillis.get();
        if (delay > 0) {
          Thread.sleep(delay);
        }
      }
      if (denyTimeToLive
          && "DynamoDB_20120810.DescribeTimeToLive"
              .equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
        answerError(
            exchange,
            400,
            "{\"__type\":\"com.amazon.coral.service#AccessDeniedException\","
                + "\"Message\":\"User is not authorized to perform:"
                + " dynamodb:DescribeTimeToLive (injected)\"}");
        return;
      }
      if (BATCH_GET_ITEM.equals(exchange.getRequestHeaders().getFirst("X-Amz-Target"))) {
        batchGets.incrementAndGet();
        int processing = batchGetProcessing.get();
        if (processing >= 0) {
          batchGetInPart(exchange, body, processing);
          return;
        }
      }
      byte[] answer = forward(exchange, body);
      if (scan && answer != null) {
        count(answer);
        lastScanNanos.set(System.nanoTime());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Forwards the request with only the first {@code processing} keys of each table (none: no
   * request) and answers the rest as {@code UnprocessedKeys}, as DynamoDB does when throttled. The
   * emulators do not check a request's signature, so the shortened body needs none of its own.
   */
  private void batchGetInPart(HttpExchange exchange, byte[] body, int processing)
      throws IOException, InterruptedException {
    com.fasterxml.jackson.databind.node.ObjectNode request =
        (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(body);
    com.fasterxml.jackson.databind.node.ObjectNode unprocessed = MAPPER.createObjectNode();
    com.fasterxml.jackson.databind.node.ObjectNode asked = MAPPER.createObjectNode();
    request
        .path("RequestItems")
        .fields()
        .forEachRemaining(
            table -> {
              com.fasterxml.jackson.databind.node.ObjectNode read = table.getValue().deepCopy();
              com.fasterxml.jackson.databind.node.ObjectNode left = table.getValue().deepCopy();
              com.fasterxml.jackson.databind.node.ArrayNode readKeys = read.putArray("Keys");
              com.fasterxml.jackson.databind.node.ArrayNode leftKeys = left.putArray("Keys");
              JsonNode keys = table.getValue().path("Keys");
              for (int i = 0; i < keys.size(); i++) {
                (i < processing ? readKeys : leftKeys).add(keys.get(i));
              }
              if (!readKeys.isEmpty()) {
                asked.set(table.getKey(), read);
              }
              if (!leftKeys.isEmpty()) {
                unprocessed.set(table.getKey(), left);
                keysLeftUnprocessed.addAndGet(leftKeys.size());
              }
            });
    com.fasterxml.jackson.databind.node.ObjectNode answer = MAPPER.createObjectNode();
    answer.putObject("Responses");
    if (!asked.isEmpty()) {
      request.set("RequestItems", asked);
      HttpResponse<byte[]> response = send(exchange, MAPPER.writeValueAsBytes(request));
      if (response == null || response.statusCode() != 200) {
        exchange.sendResponseHeaders(response == null ? 502 : response.statusCode(), -1);
        return;
      }
      answer = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(response.body());
    }
    answer.set("UnprocessedKeys", unprocessed);
    byte[] out = MAPPER.writeValueAsBytes(answer);
    // The SDK checks the body against this header when there is one.
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(out);
    exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
    exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
    exchange.sendResponseHeaders(200, out.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(out);
    }
  }

  private void count(byte[] answer) {
    try {
      JsonNode units = MAPPER.readTree(answer).path("ConsumedCapacity").path("CapacityUnits");
      if (units.isNumber()) {
        consumedMilliUnits.addAndGet(Math.round(units.doubleValue() * 1000));
      }
    } catch (IOException e) {
      // Not JSON: nothing consumed to count.
    }
  }

  private byte[] forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response = send(exchange, body);
    if (response == null) {
      exchange.sendResponseHeaders(502, -1);
      return null;
    }
    io.cdcrelay.testing.Upstream.answer(exchange, response);
    return response.body();
  }

  /** Sends the request on to the emulator with its headers; {@code null} if it does not answer. */
  private HttpResponse<byte[]> send(HttpExchange exchange, byte[] body)
      throws InterruptedException {
    try {
      return io.cdcrelay.testing.Upstream.send(
          http, upstreamPort, exchange, body, Duration.ofSeconds(60), NOT_FORWARDED);
    } catch (IOException e) {
      return null;
    }
  }
}
