package io.sandbox4j.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** Destinations the tests start on 127.0.0.1: an echo server and an HTTP server. */
final class LoopbackServers implements AutoCloseable {
  final ServerSocket echo;
  final AtomicInteger echoAccepted = new AtomicInteger();
  final HttpServer http;

  /** What the HTTP server received: request line path and headers, one entry per request. */
  final List<Map<String, List<String>>> httpRequests = new CopyOnWriteArrayList<>();

  final List<String> httpPaths = new CopyOnWriteArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  LoopbackServers() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    pool.submit(this::echoLoop);
    http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 50);
    http.createContext(
        "/",
        exchange -> {
          httpPaths.add(exchange.getRequestURI().toString());
          httpRequests.add(Map.copyOf(exchange.getRequestHeaders()));
          byte[] requestBody = exchange.getRequestBody().readAllBytes();
          byte[] body =
              ("hello " + exchange.getRequestURI() + " " + requestBody.length)
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    http.setExecutor(pool);
    http.start();
  }

  int echoPort() {
    return echo.getLocalPort();
  }

  int httpPort() {
    return http.getAddress().getPort();
  }

  private void echoLoop() {
    while (!echo.isClosed()) {
      try {
        Socket s = echo.accept();
        echoAccepted.incrementAndGet();
        s.setSoTimeout(20_000);
        pool.submit(
            () -> {
              try (s;
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // the client went away
              }
              return null;
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    echo.close();
    http.stop(0);
    pool.shutdownNow();
  }
}
