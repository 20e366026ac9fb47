package io.sandbox4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Listeners the scenarios start on loopback or unix sockets, to see from outside whether a
 * sandboxed command reached them. Every wait is bounded.
 */
final class Listeners {
  /** How long a listener waits, after the command ended, for a contact already made. */
  static final Duration GRACE = Duration.ofMillis(300);

  private Listeners() {}

  /** Something that can tell whether a sandboxed command reached it. */
  interface Listener extends AutoCloseable {
    /** What reached the listener within {@code wait} (a description), or empty. */
    Optional<String> contact(Duration wait) throws IOException, InterruptedException;

    @Override
    void close();
  }

  /** A listener on a loopback port, judged by one blocking receive bounded by the wait. */
  abstract static class OnPort implements Listener {
    abstract int port();

    /** Waits up to {@code millis} for one contact; a {@link SocketTimeoutException} if none. */
    abstract String receive(int millis) throws IOException;

    @Override
    public final Optional<String> contact(Duration wait) throws IOException {
      try {
        return Optional.of(receive((int) Math.max(1, wait.toMillis())));
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      }
    }
  }

  /** One look for a contact: what reached the listener so far, or empty. */
  @FunctionalInterface
  private interface Look {
    Optional<String> contact() throws IOException;
  }

  /** Looks every 20 ms until something reached the listener or {@code wait} has passed. */
  private static Optional<String> poll(Duration wait, Look look)
      throws IOException, InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    do {
      Optional<String> seen = look.contact();
      if (seen.isPresent()) {
        return seen;
      }
      Thread.sleep(20);
    } while (System.nanoTime() < end);
    return Optional.empty();
  }

  /** The IPv6 loopback address, when this host has it. */
  static Optional<InetAddress> ipv6Loopback() {
    try (ServerSocket s = new ServerSocket()) {
      InetAddress a = InetAddress.getByName("::1");
      s.bind(new InetSocketAddress(a, 0));
      return Optional.of(a);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static final class Tcp extends OnPort {
    private final ServerSocket server;

    Tcp(InetAddress address) throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(address, 0), 16);
    }

    @Override
    int port() {
      return server.getLocalPort();
    }

    @Override
    String receive(int millis) throws IOException {
      server.setSoTimeout(millis);
      try (Socket s = server.accept()) {
        return "tcp listener "
            + server.getLocalSocketAddress()
            + " accepted a connection from "
            + s.getRemoteSocketAddress();
      }
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException e) {
        // Closing a listener cannot fail in a way that matters.
      }
    }
  }

  static final class Udp extends OnPort {
    private final DatagramSocket socket;

    Udp(InetAddress address) throws IOException {
      socket = new DatagramSocket(new InetSocketAddress(address, 0));
    }

    @Override
    int port() {
      return socket.getLocalPort();
    }

    @Override
    String receive(int millis) throws IOException {
      socket.setSoTimeout(millis);
      byte[] buf = new byte[512];
      DatagramPacket p = new DatagramPacket(buf, buf.length);
      socket.receive(p);
      String text =
          new String(p.getData(), 0, p.getLength(), StandardCharsets.ISO_8859_1)
              .replaceAll("[^\\x20-\\x7e]", ".");
      return "udp listener "
          + socket.getLocalSocketAddress()
          + " received a datagram from "
          + p.getSocketAddress()
          + ": "
          + text;
    }

    @Override
    public void close() {
      socket.close();
    }
  }

  /** A pathname unix-domain socket listener. */
  static final class Unix implements Listener {
    private final ServerSocketChannel server;
    private final Path path;

    Unix(Path path) throws IOException {
      this.path = path;
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(path));
      server.configureBlocking(false);
    }

    @Override
    public Optional<String> contact(Duration wait) throws IOException, InterruptedException {
      return poll(
          wait,
          () -> {
            try (SocketChannel c = server.accept()) {
              return c == null
                  ? Optional.empty()
                  : Optional.of("unix socket listener " + path + " accepted a connection");
            }
          });
    }

    @Override
    public void close() {
      try {
        server.close();
        Files.deleteIfExists(path);
      } catch (IOException e) {
        // Best effort.
      }
    }
  }

  /**
   * An abstract unix-domain socket listener (Linux), run by a python3 process on the host because
   * the JDK cannot bind abstract names; it writes a marker file when a connection arrives.
   */
  static final class AbstractUnix implements Listener {
    private static final String SCRIPT =
        "import socket,sys\n"
            + "s=socket.socket(socket.AF_UNIX)\n"
            + "s.bind('\\0'+sys.argv[1])\n"
            + "s.listen(8)\n"
            + "print('ready',flush=True)\n"
            + "s.settimeout(float(sys.argv[3]))\n"
            + "try:\n"
            + "  c,_=s.accept()\n"
            + "  open(sys.argv[2],'w').write('connected')\n"
            + "except socket.timeout:\n"
            + "  pass\n";
    private final Process process;
    private final Path marker;
    private final String name;

    AbstractUnix(Path python, String name, Path marker) throws IOException, InterruptedException {
      this.name = name;
      this.marker = marker;
      this.process =
          new ProcessBuilder(
                  List.of(python.toString(), "-c", SCRIPT, name, marker.toString(), "60"))
              .redirectErrorStream(true)
              .start();
      InputStream in = process.getInputStream();
      byte[] ready = new byte[6];
      int n = 0;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (n < ready.length && System.nanoTime() < end) {
        int r = in.read(ready, n, ready.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      if (!new String(ready, 0, n, StandardCharsets.US_ASCII).startsWith("ready")) {
        process.destroyForcibly();
        throw new IOException("the abstract-socket listener did not start");
      }
    }

    @Override
    public Optional<String> contact(Duration wait) throws IOException, InterruptedException {
      return poll(
          wait,
          () ->
              Files.exists(marker)
                  ? Optional.of("abstract unix socket @" + name + " accepted a connection")
                  : Optional.empty());
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }
}
