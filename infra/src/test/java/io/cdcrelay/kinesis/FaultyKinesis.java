package io.cdcrelay.kinesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on loopback in front of an emulator's plain HTTP port (kinesis-local, moto), to
 * make Kinesis fail the way it does in production: it forwards every request unchanged, except that
 * it can be told to answer the next GetRecords calls with {@code
 * ProvisionedThroughputExceededException} or one of them with {@code ExpiredIteratorException}. It
 * counts the GetRecords and GetShardIterator calls it sees and keeps the GetShardIterator and
 * GetRecords requests.
 *
 * <p>The AWS SDK for Java v2 speaks CBOR ({@code application/x-amz-cbor-1.1}) to Kinesis unless
 * {@code aws.cborEnabled=false}: faults are answered in the protocol of the request, CBOR or JSON,
 * as Kinesis does, so that the relay's client is tested as it is built.
 */
public final class FaultyKinesis implements AutoCloseable {

  public static final String CBOR = "application/x-amz-cbor-1.1";
  public static final String JSON = "application/x-amz-json-1.1";
  static final String GET_RECORDS = "Kinesis_20131202.GetRecords";
  static final String GET_SHARD_ITERATOR = "Kinesis_20131202.GetShardIterator";
  static final String DESCRIBE_STREAM_SUMMARY = "Kinesis_20131202.DescribeStreamSummary";

  /** Headers java.net.http sets itself (or refuses), and hop-by-hop headers. */
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
          "http2-settings");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int upstreamPort;
  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient http;

  private final AtomicInteger throttleNext = new AtomicInteger();

  private final AtomicInteger throttleDescribe = new AtomicInteger();
  private final Object expiry = new Object();
  private int expireAfter = -1;

  private final AtomicInteger getRecords = new AtomicInteger();
  private final AtomicInteger getShardIterator = new AtomicInteger();
  private final AtomicInteger describeStreamSummary = new AtomicInteger();
  private final AtomicInteger throttled = new AtomicInteger();
  private final AtomicInteger expired = new AtomicInteger();
  private final List<Map<String, Object>> iteratorRequests = new CopyOnWriteArrayList<>();
  private final List<Map<String, Object>> recordsRequests = new CopyOnWriteArrayList<>();
  private final Set<String> contentTypes = ConcurrentHashMap.newKeySet();

  /** Starts the proxy on a free port of 127.0.0.1, in front of {@code 127.0.0.1:upstreamPort}. */
  public FaultyKinesis(int upstreamPort) throws IOException {
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
              Thread t = new Thread(r, "faulty-kinesis");
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

  /** {@code kinesis.url(stream, options)}, reaching the stream through this proxy. */
  public String url(KinesisEmulator kinesis, String stream, String options) {
    String direct = kinesis.url(stream, options);
    String from = "@127.0.0.1:" + kinesis.port() + "/";
    if (!direct.contains(from)) {
      throw new IllegalStateException("unexpected emulator URL " + direct);
    }
    return direct.replace(from, "@127.0.0.1:" + port() + "/");
  }

  /** Answers the next {@code calls} GetRecords with {@code ProvisionedThroughputExceeded}. */
  public void throttleGetRecords(int calls) {
    throttleNext.set(calls);
  }

  /**
   * Answers the next {@code calls} DescribeStreamSummary with {@code LimitExceededException}, as
   * Kinesis does past 20 calls a second an account.
   */
  public void throttleDescribeStreamSummary(int calls) {
    throttleDescribe.set(calls);
  }

  /**
   * Lets {@code passing} more GetRecords through, then answers the one after them, once, with
   * {@code ExpiredIteratorException}.
   */
  public void expireIteratorAfter(int passing) {
    synchronized (expiry) {
      expireAfter = passing;
    }
  }

  /** The GetRecords calls seen, answered or faulted. */
  public int getRecordsCalls() {
    return getRecords.get();
  }

  /** The GetShardIterator calls seen. */
  public int describeStreamSummaryCalls() {
    return describeStreamSummary.get();
  }

  public int getShardIteratorCalls() {
    return getShardIterator.get();
  }

  /** The GetRecords answered with {@code ProvisionedThroughputExceededException}. */
  public int throttledCalls() {
    return throttled.get();
  }

  /** The GetRecords answered with {@code ExpiredIteratorException}. */
  public int expiredCalls() {
    return expired.get();
  }

  /**
   * The GetShardIterator requests, in order, decoded (CBOR or JSON) into their fields: {@code
   * ShardId}, {@code ShardIteratorType}, {@code StartingSequenceNumber}, …
   */
  public List<Map<String, Object>> getShardIteratorRequests() {
    return List.copyOf(iteratorRequests);
  }

  /** The GetRecords requests, in order, decoded into their fields: {@code Limit}, … */
  public List<Map<String, Object>> getRecordsRequests() {
    return List.copyOf(recordsRequests);
  }

  /** The content types of the requests seen: which protocol the clients speak. */
  public Set<String> contentTypes() {
    return Set.copyOf(contentTypes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // --- the proxy

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Headers headers = exchange.getRequestHeaders();
      String target = headers.getFirst("X-Amz-Target");
      String contentType = headers.getFirst("Content-Type");
      if (contentType != null) {
        contentTypes.add(contentType);
      }
      boolean cbor = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("cbor");
      if (DESCRIBE_STREAM_SUMMARY.equals(target)) {
        describeStreamSummary.incrementAndGet();
        if (throttleDescribe.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          fail(exchange, cbor, "LimitExceededException", "Rate exceeded for stream (injected)");
          return;
        }
      }
      if (GET_SHARD_ITERATOR.equals(target)) {
        getShardIterator.incrementAndGet();
        iteratorRequests.add(decode(body, cbor));
      }
      if (GET_RECORDS.equals(target)) {
        getRecords.incrementAndGet();
        recordsRequests.add(decode(body, cbor));
        if (throttleNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
          throttled.incrementAndGet();
          fail(
              exchange,
              cbor,
              "ProvisionedThroughputExceededException",
              "Rate exceeded for shard shardId-000000000000 in stream through account"
                  + " 000000000000.");
          return;
        }
        if (expireNow()) {
          expired.incrementAndGet();
          fail(exchange, cbor, "ExpiredIteratorException", "Iterator expired");
          return;
        }
      }
      forward(exchange, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean expireNow() {
    synchronized (expiry) {
      if (expireAfter < 0) {
        return false;
      }
      if (expireAfter == 0) {
        expireAfter = -1;
        return true;
      }
      expireAfter--;
      return false;
    }
  }

  private void forward(HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpResponse<byte[]> response;
    try {
      response =
          io.cdcrelay.testing.Upstream.send(
              http, upstreamPort, exchange, body, Duration.ofSeconds(30), NOT_FORWARDED);
    } catch (IOException e) {
      exchange.sendResponseHeaders(502, -1);
      return;
    }
    io.cdcrelay.testing.Upstream.answer(exchange, response);
  }

  /** Answers as Kinesis does: HTTP 400, {@code {"__type": …, "message": …}}. */
  private static void fail(HttpExchange exchange, boolean cbor, String type, String message)
      throws IOException {
    Map<String, String> error = new LinkedHashMap<>();
    error.put("__type", type);
    error.put("message", message);
    byte[] body =
        cbor ? cborMap(error) : MAPPER.writeValueAsString(error).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", cbor ? CBOR : JSON);
    exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
    exchange.sendResponseHeaders(400, body.length);
    try (OutputStream o = exchange.getResponseBody()) {
      o.write(body);
    }
  }

  // --- just enough CBOR (RFC 8949) for error answers and GetShardIterator requests

  /** A CBOR map of text strings. */
  static byte[] cborMap(Map<String, String> map) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cborHead(out, 5, map.size());
    map.forEach(
        (k, v) -> {
          cborText(out, k);
          cborText(out, v);
        });
    return out.toByteArray();
  }

  private static void cborText(ByteArrayOutputStream out, String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    cborHead(out, 3, utf8.length);
    out.writeBytes(utf8);
  }

  private static void cborHead(ByteArrayOutputStream out, int major, long value) {
    int type = major << 5;
    if (value < 24) {
      out.write(type | (int) value);
    } else if (value < 0x100) {
      out.write(type | 24);
      out.write((int) value);
    } else if (value < 0x10000) {
      out.write(type | 25);
      out.write((int) (value >>> 8));
      out.write((int) value);
    } else {
      out.write(type | 26);
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write((int) (value >>> shift));
      }
    }
  }

  /** A request body's top-level fields. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> decode(byte[] body, boolean cbor) {
    try {
      if (cbor) {
        Object value = new CborReader(body).next();
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      JsonNode node = MAPPER.readTree(body);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        fields.put(
            e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
      }
      return fields;
    } catch (IOException | RuntimeException e) {
      return Map.of("undecodable", e.toString());
    }
  }

  /** Reads CBOR items: integers, strings, arrays, maps (also of indefinite length), tags. */
  static final class CborReader {
    private static final Object BREAK = new Object();
    private final byte[] bytes;
    private int pos;

    CborReader(byte[] bytes) {
      this.bytes = bytes;
    }

    Object next() {
      Object value = item();
      if (value == BREAK) {
        throw new IllegalStateException("unexpected break at " + pos);
      }
      return value;
    }

    private Object item() {
      int initial = bytes[pos++] & 0xff;
      int major = initial >>> 5;
      int info = initial & 0x1f;
      if (major == 7) {
        switch (info) {
          case 20:
            return Boolean.FALSE;
          case 21:
            return Boolean.TRUE;
          case 22:
          case 23:
            return null;
          case 25:
            pos += 2;
            return Double.NaN; // half floats do not occur in Kinesis requests
          case 26:
            return (double) Float.intBitsToFloat((int) uint(4));
          case 27:
            return Double.longBitsToDouble(uint(8));
          case 31:
            return BREAK;
          default:
            return null;
        }
      }
      boolean indefinite = info == 31;
      long length = indefinite ? -1 : argument(info);
      switch (major) {
        case 0:
          return length;
        case 1:
          return -1 - length;
        case 2:
        case 3:
          {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (indefinite) {
              for (Object chunk = item(); chunk != BREAK; chunk = item()) {
                out.writeBytes(
                    chunk instanceof String s
                        ? s.getBytes(StandardCharsets.UTF_8)
                        : (byte[]) chunk);
              }
            } else {
              out.write(bytes, pos, (int) length);
              pos += (int) length;
            }
            return major == 3 ? out.toString(StandardCharsets.UTF_8) : out.toByteArray();
          }
        case 4:
          {
            List<Object> list = new ArrayList<>();
            for (long i = 0; indefinite || i < length; i++) {
              Object value = item();
              if (value == BREAK) {
                break;
              }
              list.add(value);
            }
            return list;
          }
        case 5:
          {
            Map<String, Object> map = new LinkedHashMap<>();
            for (long i = 0; indefinite || i < length; i++) {
              Object key = item();
              if (key == BREAK) {
                break;
              }
              map.put(String.valueOf(key), next());
            }
            return map;
          }
        case 6:
          return next(); // a tag (such as an epoch timestamp): its value
        default:
          throw new IllegalStateException("major type " + major);
      }
    }

    private long argument(int info) {
      if (info < 24) {
        return info;
      }
      return switch (info) {
        case 24 -> uint(1);
        case 25 -> uint(2);
        case 26 -> uint(4);
        case 27 -> uint(8);
        default -> throw new IllegalStateException("additional information " + info);
      };
    }

    private long uint(int n) {
      long value = 0;
      for (int i = 0; i < n; i++) {
        value = (value << 8) | (bytes[pos++] & 0xff);
      }
      return value;
    }
  }
}
