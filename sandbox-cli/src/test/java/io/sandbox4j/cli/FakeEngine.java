package io.sandbox4j.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written engine for {@link NativeClientTest}: it listens where the native client looks
 * (engine protocol version 1) and lets a test read the client's frames and send its own, raw ones
 * included. Every read has a deadline, so a client that hangs fails the test instead of blocking
 * it.
 */
final class FakeEngine implements AutoCloseable {
  static final int REQUEST = 0x01;
  static final int STARTED = 0x10;
  static final int SPAWN_FAILED = 0x11;
  static final int OUTPUT = 0x12;
  static final int OUTPUT_EOF = 0x13;
  static final int EXITED = 0x14;
  static final int SIGNAL = 0x15;
  static final int SPAWN = 0x20;
  static final int INPUT = 0x21;
  static final int INPUT_EOF = 0x22;
  static final int KILL = 0x23;
  static final int WRITE = 0x24;
  static final int EXIT = 0x25;
  static final int FALLBACK = 0x26;

  private final ServerSocketChannel server;
  private final Path socket;

  /** Listens in {@code runtimeDir/sandbox4j} (created 0700) for the client of {@code script}. */
  FakeEngine(Path runtimeDir, String script) throws IOException {
    this(script, runtimeDir.resolve("sandbox4j"));
  }

  /** Listens in {@code dir} itself (created 0700) for the client of {@code script}. */
  FakeEngine(String script, Path dir) throws IOException {
    Files.createDirectories(
        dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    socket = dir.resolve(socketName(script));
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    server.configureBlocking(false);
  }

  /** The protocol's name: 64-bit FNV-1a of the script path's bytes, 16 lowercase hex digits. */
  static String socketName(String script) {
    long h = 0xcbf29ce484222325L;
    for (byte b : script.getBytes(UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return String.format("engine-%016x.sock", h);
  }

  Path socket() {
    return socket;
  }

  /** The next connection, or an AssertionError when none comes within the timeout. */
  Connection accept(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Selector selector = Selector.open()) {
      server.register(selector, SelectionKey.OP_ACCEPT);
      while (System.nanoTime() < deadline) {
        SocketChannel ch = server.accept();
        if (ch != null) {
          return new Connection(ch);
        }
        selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
    }
    throw new AssertionError("the client did not connect within " + timeout);
  }

  /** Whether a client connected (or is waiting to be accepted), without waiting. */
  boolean anyConnection() throws IOException {
    SocketChannel ch = server.accept();
    if (ch != null) {
      ch.close();
    }
    return ch != null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
  }

  /** One frame: its type and payload, with readers for the payload's fields. */
  record Frame(int type, byte[] payload) {
    int u8(int offset) {
      return payload[offset] & 0xff;
    }

    int i32(int offset) {
      return ByteBuffer.wrap(payload, offset, 4).getInt();
    }

    /** OUTPUT's data or WRITE's data: the bytes field after the leading u8. */
    String text() {
      return new String(payload, 5, payload.length - 5, UTF_8);
    }

    @Override
    public String toString() {
      return String.format("frame 0x%02x (%d bytes)", type, payload.length);
    }
  }

  /** The REQUEST frame's fields. */
  record Request(byte[] cwd, List<byte[]> args, List<String> env, int flags, int pid) {
    static Request parse(byte[] payload) {
      ByteBuffer b = ByteBuffer.wrap(payload);
      if (b.getInt() != 1) {
        throw new AssertionError("REQUEST version is not 1");
      }
      byte[] cwd = bytes(b);
      List<byte[]> args = list(b);
      List<String> env = new ArrayList<>();
      for (byte[] e : list(b)) {
        env.add(new String(e, UTF_8));
      }
      Request r = new Request(cwd, args, env, b.getInt(), b.getInt());
      if (b.hasRemaining()) {
        throw new AssertionError(b.remaining() + " bytes after the REQUEST's fields");
      }
      return r;
    }

    private static byte[] bytes(ByteBuffer b) {
      byte[] v = new byte[b.getInt()];
      b.get(v);
      return v;
    }

    private static List<byte[]> list(ByteBuffer b) {
      int n = b.getInt();
      List<byte[]> v = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        v.add(bytes(b));
      }
      return v;
    }

    List<String> argStrings() {
      return args.stream().map(a -> new String(a, UTF_8)).toList();
    }
  }

  /** The engine's side of one client connection. */
  static final class Connection implements AutoCloseable {
    private final SocketChannel ch;
    private final Selector selector;

    private Connection(SocketChannel ch) throws IOException {
      this.ch = ch;
      ch.configureBlocking(false);
      selector = Selector.open();
      ch.register(selector, SelectionKey.OP_READ);
    }

    /** The next frame; null at end of file; an AssertionError when none comes in time. */
    Frame read(Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      ByteBuffer header = ByteBuffer.allocate(5);
      if (!fill(header, deadline, true)) {
        return null;
      }
      ByteBuffer payload = ByteBuffer.allocate(header.getInt(1));
      if (!fill(payload, deadline, false)) {
        throw new AssertionError("the connection ended inside a frame");
      }
      return new Frame(header.get(0) & 0xff, payload.array());
    }

    /** Reads frames until one of {@code type} comes, collecting every frame read into seen. */
    Frame readUntil(int type, List<Frame> seen, Duration timeout) throws IOException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Frame f = read(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        if (f == null) {
          throw new AssertionError(
              String.format("end of file before frame 0x%02x; frames: %s", type, seen));
        }
        seen.add(f);
        if (f.type() == type) {
          return f;
        }
      }
    }

    private boolean fill(ByteBuffer buf, long deadline, boolean eofAllowed) throws IOException {
      while (buf.hasRemaining()) {
        int n = ch.read(buf);
        if (n < 0) {
          if (eofAllowed && buf.position() == 0) {
            return false;
          }
          throw new AssertionError("the connection ended inside a frame");
        }
        if (n == 0) {
          long left = (deadline - System.nanoTime()) / 1_000_000;
          if (left <= 0) {
            throw new AssertionError("no frame from the client in time");
          }
          selector.select(left);
          selector.selectedKeys().clear();
        }
      }
      return true;
    }

    Request request() throws IOException {
      Frame f = read(Duration.ofSeconds(10));
      if (f == null || f.type() != REQUEST) {
        throw new AssertionError("the first frame is not a REQUEST: " + f);
      }
      return Request.parse(f.payload());
    }

    void send(int type, byte[] payload) {
      ByteBuffer b = ByteBuffer.allocate(5 + payload.length);
      b.put((byte) type).putInt(payload.length).put(payload).flip();
      sendRaw(b);
    }

    void sendRaw(ByteBuffer b) {
      try {
        while (b.hasRemaining()) {
          ch.write(b);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void spawn(List<String> argv, List<String> env, int stdin, int stdout, int stderr) {
      send(
          SPAWN,
          payload(
              out -> {
                list(out, argv);
                list(out, env);
                out.writeByte(stdin);
                out.writeByte(stdout);
                out.writeByte(stderr);
              }));
    }

    void input(String data) {
      send(INPUT, payload(out -> bytes(out, data.getBytes(UTF_8))));
    }

    void write(int fd, String data) {
      send(
          WRITE,
          payload(
              out -> {
                out.writeByte(fd);
                bytes(out, data.getBytes(UTF_8));
              }));
    }

    void exit(int code) {
      send(EXIT, payload(out -> out.writeInt(code)));
    }

    void fallback(String reason) {
      send(FALLBACK, payload(out -> bytes(out, reason.getBytes(UTF_8))));
    }

    @Override
    public void close() throws IOException {
      selector.close();
      ch.close();
    }
  }

  interface PayloadWriter {
    void write(DataOutputStream out) throws IOException;
  }

  static byte[] payload(PayloadWriter w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void bytes(DataOutputStream out, byte[] data) throws IOException {
    out.writeInt(data.length);
    out.write(data);
  }

  private static void list(DataOutputStream out, List<String> items) throws IOException {
    out.writeInt(items.size());
    for (String s : items) {
      bytes(out, s.getBytes(UTF_8));
    }
  }
}
