package io.cdcrelay.snapshot;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3 endpoint in this JVM: path-style {@code GET /BUCKET/KEY} of objects held in memory, over
 * plain HTTP/1.1, one request per connection. It can cut an object's body short — its headers with
 * the whole {@code Content-Length}, then half its bytes, then the connection closed — as a
 * connection dropped mid-way through a large object does.
 */
public final class CuttingS3Server implements AutoCloseable {

  private final String bucket;
  private final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> cutsLeft = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> gets = new ConcurrentHashMap<>();
  private final ServerSocket server;
  private volatile Duration pauseBeforeCut = Duration.ZERO;

  public CuttingS3Server(String bucket, Map<String, byte[]> objects) throws IOException {
    this.bucket = bucket;
    this.objects.putAll(objects);
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::accept, "cutting-s3");
    accept.setDaemon(true);
    accept.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Cuts the body of the next {@code times} GETs of {@code key}. */
  public void cut(String key, int times) {
    cutsLeft.put(key, new AtomicInteger(times));
  }

  /** How long a cut body waits, half sent, before its connection is closed. */
  public void pauseBeforeCut(Duration pause) {
    this.pauseBeforeCut = pause;
  }

  /** The GETs of {@code key} answered so far. */
  public int gets(String key) {
    AtomicInteger count = gets.get(key);
    return count == null ? 0 : count.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return;
      }
      Thread answer = new Thread(() -> answer(socket), "cutting-s3-request");
      answer.setDaemon(true);
      answer.start();
    }
  }

  private void answer(Socket socket) {
    try (socket) {
      String request = head(socket.getInputStream());
      String[] line = request.split("\r\n", 2)[0].split(" ");
      String path = URLDecoder.decode(line[1].split("\\?", 2)[0], StandardCharsets.UTF_8);
      String prefix = "/" + bucket + "/";
      String key = path.startsWith(prefix) ? path.substring(prefix.length()) : null;
      byte[] body = key == null ? null : objects.get(key);
      OutputStream out = socket.getOutputStream();
      if (!"GET".equals(line[0]) || body == null) {
        byte[] error =
            ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>"
                    + "The specified key does not exist.</Message></Error>")
                .getBytes(StandardCharsets.UTF_8);
        out.write(headers(404, "Not Found", error.length, "application/xml"));
        out.write(error);
        out.flush();
        return;
      }
      gets.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      out.write(headers(200, "OK", body.length, "application/octet-stream"));
      AtomicInteger cuts = cutsLeft.get(key);
      if (cuts != null && cuts.getAndDecrement() > 0) {
        out.write(body, 0, body.length / 2);
        out.flush();
        Thread.sleep(pauseBeforeCut.toMillis());
        return;
      }
      out.write(body);
      out.flush();
    } catch (IOException e) {
      // The client went away: nothing to answer.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] headers(int status, String reason, int length, String type) {
    return ("HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: "
            + type
            + "\r\nContent-Length: "
            + length
            + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The request line and headers, up to the blank line (a GET has no body). */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    int b;
    while (matched < end.length && (b = in.read()) >= 0) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
