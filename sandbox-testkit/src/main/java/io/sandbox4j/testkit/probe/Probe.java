package io.sandbox4j.testkit.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The portable probe the conformance scenarios run inside the sandbox: one class, JDK only, started
 * with the current JVM's {@code java} binary. Each subcommand attempts one thing and reports what
 * it did on standard output; the scenarios never trust that report alone but judge from outside.
 *
 * <p>Exit codes: 0 the attempt succeeded, 3 it failed (the reason on standard error), 2 bad usage.
 */
@org.apiguardian.api.API(status = org.apiguardian.api.API.Status.INTERNAL, since = "0.1")
public final class Probe {
  private Probe() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      return;
    }
    try {
      run(args[0], java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      System.err.println("probe " + args[0] + ": " + e);
      System.exit(3);
    }
  }

  private static void run(String cmd, String[] a) throws Exception {
    switch (cmd) {
      case "write" -> {
        need(a, 2);
        Files.writeString(Path.of(a[0]), a[1]);
        System.out.println("wrote " + a[0]);
      }
      case "read" -> {
        need(a, 1);
        System.out.write(Files.readAllBytes(Path.of(a[0])));
        System.out.flush();
      }
      case "head" -> {
        // head PATH N: reads the first N bytes of a file or device (\\.\PhysicalDrive0) and
        // prints them in hex; java.io opens device paths that java.nio.file cannot parse.
        need(a, 2);
        byte[] b = new byte[Integer.parseInt(a[1])];
        int n;
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(a[0], "r")) {
          n = f.read(b);
        }
        System.out.println(
            "read " + n + " " + java.util.HexFormat.of().formatHex(b, 0, Math.max(n, 0)));
      }
      case "connect" -> {
        need(a, 2);
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress(InetAddress.getByName(a[0]), Integer.parseInt(a[1])), 3000);
          s.getOutputStream().write("probe\n".getBytes(StandardCharsets.US_ASCII));
          System.out.println("connected " + a[0] + " " + a[1]);
        }
      }
      case "udp" -> {
        need(a, 2);
        try (DatagramSocket s = new DatagramSocket()) {
          byte[] b = "probe".getBytes(StandardCharsets.US_ASCII);
          s.send(
              new DatagramPacket(b, b.length, InetAddress.getByName(a[0]), Integer.parseInt(a[1])));
          System.out.println("sent " + a[0] + " " + a[1]);
        }
      }
      case "dns" -> {
        need(a, 3);
        byte[] query = dnsQuery(a[2]);
        try (DatagramSocket s = new DatagramSocket()) {
          s.send(
              new DatagramPacket(
                  query, query.length, InetAddress.getByName(a[0]), Integer.parseInt(a[1])));
          System.out.println("queried " + a[2]);
        }
      }
      case "unix-connect" -> {
        need(a, 1);
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
          ch.connect(UnixDomainSocketAddress.of(a[0]));
          ch.write(ByteBuffer.wrap("probe\n".getBytes(StandardCharsets.US_ASCII)));
          System.out.println("connected " + a[0]);
        }
      }
      case "spawn-orphan" -> {
        // Starts a detached child that outlives this process, then exits at once.
        need(a, 2);
        List<String> child = new ArrayList<>(javaCommand());
        child.add("sleep");
        child.add(a[1]);
        child.add(a[0]);
        new ProcessBuilder(child)
            .redirectInput(ProcessBuilder.Redirect.from(devNull()))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        System.out.println("spawned " + a[0]);
      }
      case "sleep" -> {
        // sleep SECONDS [TOKEN]: the token only marks the command line for outside observers.
        need(a, 1);
        Thread.sleep(Long.parseLong(a[0]) * 1000L);
      }
      case "alloc" -> {
        // alloc MIB MARKER: touches MIB mebibytes off-heap, then writes MARKER.
        need(a, 2);
        int mib = Integer.parseInt(a[0]);
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < mib; i++) {
          ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
          for (int p = 0; p < b.capacity(); p += 4096) {
            b.put(p, (byte) 1);
          }
          held.add(b);
        }
        Files.writeString(Path.of(a[1]), "allocated " + held.size() + " MiB");
        System.out.println("allocated " + held.size() + " MiB");
      }
      case "spin" -> {
        need(a, 1);
        long end = System.nanoTime() + Long.parseLong(a[0]) * 1_000_000_000L;
        long x = 0;
        while (System.nanoTime() < end) {
          x++;
        }
        System.out.println("spun " + x);
      }
      case "env" -> {
        Map<String, String> env = new TreeMap<>(System.getenv());
        env.forEach((k, v) -> System.out.println(k + "=" + v));
      }
      case "cat" -> {
        // Copies standard input to standard output, byte for byte.
        InputStream in = System.in;
        OutputStream out = System.out;
        in.transferTo(out);
        out.flush();
      }
      case "exit" -> {
        need(a, 1);
        System.exit(Integer.parseInt(a[0]));
      }
      default -> usage();
    }
  }

  private static List<String> javaCommand() {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return List.of(
        java,
        "-Xshare:auto",
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-XX:-UsePerfData",
        "-cp",
        System.getProperty("java.class.path"),
        Probe.class.getName());
  }

  private static java.io.File devNull() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** A minimal DNS A query for {@code name}, as a resolver would send it. */
  static byte[] dnsQuery(String name) {
    ByteArrayOutputStream q = new ByteArrayOutputStream();
    q.writeBytes(new byte[] {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0});
    for (String label : name.split("\\.")) {
      byte[] l = label.getBytes(StandardCharsets.US_ASCII);
      q.write(l.length);
      q.writeBytes(l);
    }
    q.writeBytes(new byte[] {0, 0, 1, 0, 1});
    return q.toByteArray();
  }

  private static void need(String[] a, int n) {
    if (a.length < n) {
      usage();
    }
  }

  private static void usage() {
    System.err.println(
        "usage: Probe write FILE TEXT | read FILE | head FILE N | connect HOST PORT | udp HOST PORT"
            + " | dns HOST PORT NAME | unix-connect PATH | spawn-orphan TOKEN SECONDS"
            + " | sleep SECONDS [TOKEN] | alloc MIB MARKER | spin SECONDS | env | cat | exit N");
    System.exit(2);
  }
}
