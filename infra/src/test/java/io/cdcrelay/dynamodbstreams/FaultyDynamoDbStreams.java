package io.cdcrelay.dynamodbstreams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy on loopback in front of moto_server that makes its DynamoDB Streams behave as AWS
 * does where moto does not: moto's stream has one shard that never closes, is never trimmed and
 * never expires an iterator. On request the proxy
 *
 * <ul>
 *   <li>splits the shard: DescribeStream shows it closed after a given sequence number, with a
 *       child shard holding the records after it; reads of the parent end there (NextShardIterator
 *       absent), and the child's iterators read the real shard after it;
 *   <li>answers one GetRecords with {@code ExpiredIteratorException};
 *   <li>answers one GetShardIterator at a sequence number with {@code TrimmedDataAccessException};
 *   <li>removes a shard, as AWS does once every record of it passed the retention: its
 *       GetShardIterator answers {@code ResourceNotFoundException} while DescribeStream, a moment
 *       older, still lists it.
 * </ul>
 *
 * It keeps every DynamoDB Streams request it forwarded, in order, as (action, JSON body).
 */
public final class FaultyDynamoDbStreams implements AutoCloseable {

  private static final String PREFIX = "DynamoDBStreams_20120810.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> NOT_FORWARDED =
      Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding");

  /** One request seen: the action (GetRecords, …) and its body. */
  public record Call(String action, JsonNode body, boolean faulted) {}

  private final int upstreamPort;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  // Iterators handed out for the child shard (which moto does not know).
  private final Set<String> childIterators = ConcurrentHashMap.newKeySet();
  private final AtomicInteger expireAfter = new AtomicInteger(-1);
  private final AtomicBoolean trimNext = new AtomicBoolean();
  private volatile String removed;
  private volatile String parent;
  private volatile BigInteger splitAfter;
  private volatile String child;

  public FaultyDynamoDbStreams(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "faulty-dynamodb-streams");
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

  /**
   * From now on, {@code shard} is closed after {@code sequenceNumber} and {@code child} follows.
   */
  public void split(String shard, String sequenceNumber, String childShard) {
    parent = shard;
    splitAfter = new BigInteger(sequenceNumber);
    child = childShard;
  }

  /** Lets {@code passing} GetRecords through, then fails the next one with an expired iterator. */
  public void expireIteratorAfter(int passing) {
    expireAfter.set(passing);
  }

  /** Fails the next GetShardIterator at or after a sequence number as trimmed. */
  public void trimNextSequenceNumberIterator() {
    trimNext.set(true);
  }

  /** From now on, the iterators of {@code shard} are refused as those of a shard not there. */
  public void remove(String shard) {
    removed = shard;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      if (target == null || !target.startsWith(PREFIX)) {
        send(exchange, forward(exchange, body));
        return;
      }
      String action = target.substring(PREFIX.length());
      ObjectNode request = (ObjectNode) JSON.readTree(body);
      switch (action) {
        case "GetRecords" -> getRecords(exchange, request);
        case "GetShardIterator" -> getShardIterator(exchange, request);
        case "DescribeStream" -> describeStream(exchange, request);
        default -> {
          calls.add(new Call(action, request, false));
          send(exchange, forward(exchange, body));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void getRecords(HttpExchange exchange, ObjectNode request)
      throws IOException, InterruptedException {
    if (expireAfter.getAndUpdate(n -> n >= 0 ? n - 1 : n) == 0) {
      calls.add(new Call("GetRecords", request, true));
      fail(exchange, "ExpiredIteratorException", "Iterator expired");
      return;
    }
    calls.add(new Call("GetRecords", request, false));
    String iterator = request.path("ShardIterator").asText();
    Upstream answer = forward(exchange, JSON.writeValueAsBytes(request));
    if (answer.status() != 200 || splitAfter == null) {
      send(exchange, answer);
      return;
    }
    ObjectNode response = (ObjectNode) JSON.readTree(answer.body());
    boolean ofChild = childIterators.contains(iterator);
    if (ofChild) {
      String next = response.path("NextShardIterator").asText(null);
      if (next != null) {
        childIterators.add(next);
      }
    } else {
      // A read of the parent: its records end at the split, and so does the parent.
      ArrayNode kept = JSON.createArrayNode();
      boolean ended = false;
      for (JsonNode record : response.path("Records")) {
        BigInteger sequenceNumber =
            new BigInteger(record.path("dynamodb").path("SequenceNumber").asText());
        if (sequenceNumber.compareTo(splitAfter) <= 0) {
          kept.add(record);
        }
        ended |= sequenceNumber.compareTo(splitAfter) >= 0;
      }
      response.set("Records", kept);
      if (ended) {
        response.remove("NextShardIterator");
      }
    }
    send(exchange, new Upstream(200, answer.contentType(), JSON.writeValueAsBytes(response)));
  }

  private void getShardIterator(HttpExchange exchange, ObjectNode request)
      throws IOException, InterruptedException {
    String type = request.path("ShardIteratorType").asText();
    if (type.endsWith("SEQUENCE_NUMBER") && trimNext.getAndSet(false)) {
      calls.add(new Call("GetShardIterator", request.deepCopy(), true));
      fail(
          exchange,
          "TrimmedDataAccessException",
          "The operation attempted to read past the oldest stream record in a shard.");
      return;
    }
    if (request.path("ShardId").asText().equals(removed)) {
      calls.add(new Call("GetShardIterator", request.deepCopy(), true));
      fail(
          exchange,
          "ResourceNotFoundException",
          "Requested resource not found: Shard does not exist");
      return;
    }
    calls.add(new Call("GetShardIterator", request.deepCopy(), false));
    boolean ofChild = child != null && child.equals(request.path("ShardId").asText());
    if (ofChild) {
      request.put("ShardId", parent);
      if (type.equals("TRIM_HORIZON")) {
        request.put("ShardIteratorType", "AFTER_SEQUENCE_NUMBER");
        request.put("SequenceNumber", splitAfter.toString());
      }
    }
    Upstream answer = forward(exchange, JSON.writeValueAsBytes(request));
    if (ofChild && answer.status() == 200) {
      childIterators.add(JSON.readTree(answer.body()).path("ShardIterator").asText());
    }
    send(exchange, answer);
  }

  private void describeStream(HttpExchange exchange, ObjectNode request)
      throws IOException, InterruptedException {
    calls.add(new Call("DescribeStream", request, false));
    Upstream answer = forward(exchange, JSON.writeValueAsBytes(request));
    if (answer.status() != 200 || splitAfter == null) {
      send(exchange, answer);
      return;
    }
    ObjectNode response = (ObjectNode) JSON.readTree(answer.body());
    ArrayNode shards = (ArrayNode) response.path("StreamDescription").path("Shards");
    for (JsonNode shard : shards) {
      if (parent.equals(shard.path("ShardId").asText())) {
        ((ObjectNode) shard.path("SequenceNumberRange"))
            .put("EndingSequenceNumber", splitAfter.toString());
      }
    }
    ObjectNode childShard = shards.addObject();
    childShard.put("ShardId", child);
    childShard.put("ParentShardId", parent);
    childShard
        .putObject("SequenceNumberRange")
        .put("StartingSequenceNumber", splitAfter.add(BigInteger.ONE).toString());
    send(exchange, new Upstream(200, answer.contentType(), JSON.writeValueAsBytes(response)));
  }

  private record Upstream(int status, String contentType, byte[] body) {}

  private Upstream forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response =
        io.cdcrelay.testing.Upstream.send(
            http, upstreamPort, exchange, body, Duration.ofSeconds(30), NOT_FORWARDED);
    return new Upstream(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse("application/x-amz-json-1.0"),
        response.body());
  }

  private static void send(HttpExchange exchange, Upstream answer) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    exchange.sendResponseHeaders(
        answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
    if (answer.body().length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer.body());
      }
    }
  }

  /** Answers as DynamoDB does: HTTP 400, {@code {"__type": "…#Type", "message": …}}. */
  private static void fail(HttpExchange exchange, String type, String message) throws IOException {
    byte[] body =
        JSON.writeValueAsString(
                Map.of("__type", "com.amazonaws.dynamodb.v20120810#" + type, "message", message))
            .getBytes(StandardCharsets.UTF_8);
    send(exchange, new Upstream(400, "application/x-amz-json-1.0", body));
  }
}
