package io.sandbox4j.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A JMH-free measurement of the proxy (not a test; run by hand, see the module README): connect
 * latency and 1 GiB throughput through the proxy versus direct, and memory per open tunnel. The
 * proxy runs in a child JVM so its resident memory is its own.
 *
 * <pre>
 * java -cp sandbox-proxy/target/classes:sandbox-proxy/target/test-classes:sandbox-api/target/classes \
 *     io.sandbox4j.proxy.ProxyMeasurement [connects=2000] [gib=1] [tunnels=500]
 * </pre>
 */
public final class ProxyMeasurement {
  private ProxyMeasurement() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("serve")) {
      serve(args[1]);
      return;
    }
    int connects = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    long bytes = (long) ((args.length > 1 ? Double.parseDouble(args[1]) : 1.0) * (1L << 30));
    int tunnels = args.length > 2 ? Integer.parseInt(args[2]) : 500;

    ServerSocket echo = new ServerSocket(0, 1000, InetAddress.getLoopbackAddress());
    ServerSocket sink = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(() -> acceptLoop(echo, ProxyMeasurement::echo));
    daemon(() -> acceptLoop(sink, ProxyMeasurement::sink));

    Path dir = Files.createTempDirectory("proxy-measure");
    Path sock = dir.resolve("p.sock");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ProxyMeasurement.class.getName(),
                "serve",
                sock.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    BufferedReader childOut =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    int proxyPort = Integer.parseInt(childOut.readLine().trim());
    InetSocketAddress proxyTcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxyPort);
    try {
      System.out.printf(
          "load average at start: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
      System.out.printf("relay buffer %d KiB per direction%n%n", Connection.RELAY_BUFFER / 1024);
      latency(connects, echo.getLocalPort(), proxyTcp, sock);
      throughput(bytes, sink.getLocalPort(), proxyTcp, sock);
      memory(tunnels, child.pid(), echo.getLocalPort(), proxyTcp);
    } finally {
      child.destroy();
      Files.deleteIfExists(sock);
      Files.deleteIfExists(dir);
    }
  }

  /** The child: a proxy allowing 127.0.0.1 on any port, on a loopback port and the unix socket. */
  private static void serve(String socket) throws IOException {
    NetworkProxy p =
        NetworkProxy.builder(NetworkRules.parse(List.of("127.0.0.1:*"), List.of()))
            .hostAddresses(Set.of())
            .limits(ProxyLimits.DEFAULT.withMaxConnections(5000))
            .unixSocket(Path.of(socket))
            .tcpLoopback(0)
            .start();
    System.out.println(p.tcpAddress().orElseThrow().getPort());
    System.out.flush();
    System.in.read(); // until the parent goes away
    p.close();
  }

  interface Dial {
    SocketChannel open() throws IOException;
  }

  private static void latency(int n, int echoPort, InetSocketAddress proxyTcp, Path sock)
      throws IOException {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), echoPort);
    String connect = "CONNECT 127.0.0.1:" + echoPort + " HTTP/1.1\r\n\r\n";
    System.out.println("| connect + 1-byte round trip | median µs | p90 µs |");
    System.out.println("|---|---|---|");
    row("direct", n, () -> SocketChannel.open(target), null);
    row("CONNECT via loopback port", n, () -> SocketChannel.open(proxyTcp), connect);
    row(
        "CONNECT via unix socket",
        n,
        () -> {
          SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
          c.connect(UnixDomainSocketAddress.of(sock));
          return c;
        },
        connect);
    row("SOCKS5 via loopback port", n, () -> SocketChannel.open(proxyTcp), "SOCKS:" + echoPort);
    System.out.println();
  }

  private static void row(String name, int n, Dial dial, String handshake) throws IOException {
    long[] t = new long[n];
    for (int i = -n / 4; i < n; i++) { // a quarter of warm-up
      long start = System.nanoTime();
      try (SocketChannel c = dial.open()) {
        if (handshake != null && handshake.startsWith("SOCKS:")) {
          int port = Integer.parseInt(handshake.substring(6));
          write(c, new byte[] {5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, (byte) (port >> 8), (byte) port});
          read(c, 2 + 10);
        } else if (handshake != null) {
          write(c, handshake.getBytes(StandardCharsets.US_ASCII));
          read(c, "HTTP/1.1 200 Connection established\r\n\r\n".length());
        }
        write(c, new byte[] {42});
        read(c, 1);
      }
      if (i >= 0) {
        t[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(t);
    System.out.printf("| %s | %d | %d |%n", name, t[n / 2] / 1000, t[n * 9 / 10] / 1000);
  }

  private static void throughput(long bytes, int sinkPort, InetSocketAddress proxyTcp, Path sock)
      throws IOException {
    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), sinkPort);
    String connect = "CONNECT 127.0.0.1:" + sinkPort + " HTTP/1.1\r\n\r\n";
    System.out.printf(
        "| %.2f GiB one way | MiB/s, median of 5 (range) | of direct |%n",
        bytes / (double) (1L << 30));
    System.out.println("|---|---|---|");
    Dial unixDial =
        () -> {
          SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX);
          c.connect(UnixDomainSocketAddress.of(sock));
          return c;
        };
    int rounds = 5; // interleaved, after one warm-up round; medians reported
    double[][] r = new double[3][rounds];
    for (int round = -1; round < rounds; round++) {
      double d = transfer(bytes, () -> SocketChannel.open(target), null);
      double tcp = transfer(bytes, () -> SocketChannel.open(proxyTcp), connect);
      double unix = transfer(bytes, unixDial, connect);
      if (round >= 0) {
        r[0][round] = d;
        r[1][round] = tcp;
        r[2][round] = unix;
      }
    }
    for (double[] x : r) {
      Arrays.sort(x);
    }
    double direct = r[0][rounds / 2];
    System.out.printf("| direct | %.0f (%.0f-%.0f) | 100%% |%n", direct, r[0][0], r[0][rounds - 1]);
    System.out.printf(
        "| CONNECT via loopback port | %.0f (%.0f-%.0f) | %.0f%% |%n",
        r[1][rounds / 2], r[1][0], r[1][rounds - 1], 100 * r[1][rounds / 2] / direct);
    System.out.printf(
        "| CONNECT via unix socket | %.0f (%.0f-%.0f) | %.0f%% |%n",
        r[2][rounds / 2], r[2][0], r[2][rounds - 1], 100 * r[2][rounds / 2] / direct);
    System.out.println();
  }

  /** MiB/s: writes {@code bytes}, half-closes, waits for the sink's one-byte acknowledgement. */
  private static double transfer(long bytes, Dial dial, String handshake) throws IOException {
    try (SocketChannel c = dial.open()) {
      if (handshake != null) {
        write(c, handshake.getBytes(StandardCharsets.US_ASCII));
        read(c, "HTTP/1.1 200 Connection established\r\n\r\n".length());
      }
      ByteBuffer chunk = ByteBuffer.allocateDirect(256 * 1024);
      long start = System.nanoTime();
      long left = bytes;
      while (left > 0) {
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), left));
        while (chunk.hasRemaining()) {
          left -= c.write(chunk);
        }
      }
      c.shutdownOutput();
      read(c, 1);
      double seconds = (System.nanoTime() - start) / 1e9;
      return bytes / (1024.0 * 1024.0) / seconds;
    }
  }

  private static void memory(int tunnels, long pid, int echoPort, InetSocketAddress proxyTcp)
      throws Exception {
    String connect = "CONNECT 127.0.0.1:" + echoPort + " HTTP/1.1\r\n\r\n";
    // warm the proxy's code paths, then measure idle tunnels opened on top
    for (int i = 0; i < 50; i++) {
      try (SocketChannel c = SocketChannel.open(proxyTcp)) {
        write(c, connect.getBytes(StandardCharsets.US_ASCII));
        read(c, 39);
        write(c, new byte[] {1});
        read(c, 1);
      }
    }
    Thread.sleep(1000);
    long before = status(pid, "VmRSS");
    long threadsBefore = status(pid, "Threads");
    List<SocketChannel> open = new ArrayList<>();
    for (int i = 0; i < tunnels; i++) {
      SocketChannel c = SocketChannel.open(proxyTcp);
      open.add(c);
      write(c, connect.getBytes(StandardCharsets.US_ASCII));
      read(c, 39);
      write(c, new byte[] {1});
      read(c, 1); // both directions have carried a byte: both relay buffers exist
    }
    Thread.sleep(1000);
    long after = status(pid, "VmRSS");
    long threadsAfter = status(pid, "Threads");
    System.out.printf(
        "memory: %d open tunnels added %d KiB resident to the proxy's JVM (%d -> %d KiB),"
            + " %.1f KiB per tunnel; threads %d -> %d%n",
        tunnels,
        after - before,
        before,
        after,
        (after - before) / (double) tunnels,
        threadsBefore,
        threadsAfter);
    for (SocketChannel c : open) {
      c.close();
    }
  }

  private static long status(long pid, String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException(key + " not in /proc/" + pid + "/status");
  }

  private static void write(SocketChannel c, byte[] b) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(b);
    while (buf.hasRemaining()) {
      c.write(buf);
    }
  }

  private static void read(SocketChannel c, int n) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(n);
    while (buf.hasRemaining()) {
      if (c.read(buf) < 0) {
        throw new IOException("closed after " + buf.position() + " of " + n + " bytes");
      }
    }
  }

  interface Handler {
    void handle(Socket s) throws IOException;
  }

  private static void acceptLoop(ServerSocket server, Handler h) {
    while (true) {
      try {
        Socket s = server.accept();
        daemon(
            () -> {
              try (s) {
                h.handle(s);
              } catch (IOException e) {
                // the client went away
              }
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket s) throws IOException {
    s.getInputStream().transferTo(s.getOutputStream());
  }

  private static void sink(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    byte[] buf = new byte[256 * 1024];
    while (in.read(buf) >= 0) {
      // discard
    }
    OutputStream out = s.getOutputStream();
    out.write(1);
    out.flush();
  }

  private static void daemon(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }
}
