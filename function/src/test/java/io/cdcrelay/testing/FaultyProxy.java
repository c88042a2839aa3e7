package io.cdcrelay.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of a database, to make it unreachable on demand: it can refuse
 * new connections, cut open ones, or cut them once a given number of bytes went to the database (a
 * failure in the middle of a bulk write).
 */
public final class FaultyProxy implements AutoCloseable {

  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile boolean down;
  private final AtomicLong cutAfterBytes = new AtomicLong(Long.MAX_VALUE);

  public FaultyProxy(String targetHost, int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    Thread acceptor = new Thread(this::accept, "faulty-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Cuts every open connection and refuses new ones until {@link #up()}. */
  public void down() {
    down = true;
    cutAll();
  }

  /** Accepts connections again. */
  public void up() {
    cutAfterBytes.set(Long.MAX_VALUE);
    down = false;
  }

  /** Cuts all connections, and refuses new ones, once {@code bytes} more went to the database. */
  public void cutAfter(long bytes) {
    cutAfterBytes.set(bytes);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (down) {
          client.close();
          continue;
        }
        Socket upstream = new Socket(targetHost, targetPort);
        open.add(client);
        open.add(upstream);
        pump(client, upstream, true);
        pump(upstream, client, false);
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to, boolean toDatabase) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if (toDatabase) {
                    long left = cutAfterBytes.addAndGet(-n);
                    if (left < 0) {
                      int allowed = (int) Math.max(0, n + left);
                      out.write(buffer, 0, allowed);
                      out.flush();
                      down();
                      return;
                    }
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // A cut connection ends here.
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "faulty-proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private void cutAll() {
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    down();
    server.close();
  }
}
