package io.sandbox4j.cli.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The client side of the engine protocol in Java, for tests: sends a REQUEST, forks what SPAWN asks
 * for with ProcessBuilder (its "own" standard streams are /dev/null and two files), reports
 * STARTED/OUTPUT/EXITED, and collects WRITE frames into the same files.
 */
final class EngineTestClient implements AutoCloseable {
  /** What a request came to. */
  record Outcome(Integer exit, String fallback, List<List<String>> spawns) {}

  private final SocketChannel channel;
  private final InputStream in;
  private final OutputStream out;
  private final Path stdoutFile;
  private final Path stderrFile;
  private final List<List<String>> spawns = new ArrayList<>();
  volatile Process child;

  /** Set to stop answering after the child started (a client that dies mid-run). */
  volatile boolean dieAfterStart;

  /** A signal to forward once the child started and {@code signalWhen} exists (0: none). */
  volatile int signalAfterStart;

  volatile Path signalWhen;

  EngineTestClient(Path socket, Path stdoutFile, Path stderrFile) throws IOException {
    this.channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    channel.connect(UnixDomainSocketAddress.of(socket));
    // not Channels.newInputStream/newOutputStream: those share the channel's blocking lock, so a
    // read would hold up every write
    this.in =
        new InputStream() {
          @Override
          public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
          }
        };
    this.out =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
              channel.write(buf);
            }
          }
        };
    this.stdoutFile = stdoutFile;
    this.stderrFile = stderrFile;
    Files.write(stdoutFile, new byte[0]);
    Files.write(stderrFile, new byte[0]);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] request(Path cwd, List<byte[]> args, Map<String, String> env) {
    List<byte[]> entries = new ArrayList<>();
    env.forEach((k, v) -> entries.add(utf8(k + "=" + v)));
    return new Frames.Writer()
        .i32(Frames.VERSION)
        .bytes(utf8(cwd.toString()))
        .list(args)
        .list(entries)
        .i32(0)
        .i32((int) ProcessHandle.current().pid())
        .toByteArray();
  }

  synchronized void send(int type, byte[] payload) throws IOException {
    Frames.write(out, type, payload);
  }

  /** Sends the request and serves it to its end (EXIT, FALLBACK, or the connection closing). */
  Outcome run(Path cwd, List<byte[]> args, Map<String, String> env) throws Exception {
    send(Frames.REQUEST, request(cwd, args, env));
    while (true) {
      Frames.Frame f = Frames.read(in);
      if (f == null) {
        return new Outcome(null, null, spawns);
      }
      Frames.Reader r = f.reader();
      switch (f.type()) {
        case Frames.SPAWN -> {
          List<String> argv =
              r.list().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
          List<byte[]> env2 = r.list();
          int[] modes = {r.u8(), r.u8(), r.u8()};
          spawns.add(argv);
          spawn(argv, env2, modes);
          if (dieAfterStart) {
            return new Outcome(null, null, spawns);
          }
        }
        case Frames.WRITE -> {
          int fd = r.u8();
          byte[] data = r.bytes();
          Files.write(fd == 1 ? stdoutFile : stderrFile, data, StandardOpenOption.APPEND);
        }
        case Frames.KILL -> {
          int signo = r.u8();
          Process p = child;
          if (p != null) {
            if (signo == 9) {
              p.destroyForcibly();
            } else {
              p.destroy();
            }
          }
        }
        case Frames.INPUT -> child.getOutputStream().write(r.bytes());
        case Frames.INPUT_EOF -> child.getOutputStream().close();
        case Frames.EXIT -> {
          return new Outcome(r.i32(), null, spawns);
        }
        case Frames.FALLBACK -> {
          return new Outcome(null, new String(r.bytes(), StandardCharsets.UTF_8), spawns);
        }
        default -> throw new AssertionError("unexpected frame type " + f.type());
      }
    }
  }

  private void spawn(List<String> argv, List<byte[]> env, int[] modes) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    for (byte[] e : env) {
      String s = new String(e, StandardCharsets.UTF_8);
      int eq = s.indexOf('=');
      pb.environment().put(s.substring(0, eq), s.substring(eq + 1));
    }
    Path devNull = Path.of("/dev/null");
    pb.redirectInput(modes[0] == 1 ? Redirect.PIPE : Redirect.from(devNull.toFile()));
    pb.redirectOutput(
        modes[1] == 0
            ? Redirect.appendTo(stdoutFile.toFile())
            : modes[1] == 1 ? Redirect.PIPE : Redirect.DISCARD);
    pb.redirectError(
        modes[2] == 0
            ? Redirect.appendTo(stderrFile.toFile())
            : modes[2] == 1 ? Redirect.PIPE : Redirect.DISCARD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      send(
          Frames.SPAWN_FAILED,
          new Frames.Writer().i32(2).bytes(utf8(e.getMessage())).toByteArray());
      return;
    }
    child = p;
    send(Frames.STARTED, new Frames.Writer().i32((int) p.pid()).toByteArray());
    if (dieAfterStart) {
      return;
    }
    if (signalAfterStart != 0) {
      Thread signaller =
          new Thread(
              () -> {
                try {
                  while (signalWhen != null && !Files.exists(signalWhen) && p.isAlive()) {
                    Thread.sleep(10);
                  }
                  send(Frames.SIGNAL, new Frames.Writer().u8(signalAfterStart).toByteArray());
                } catch (IOException | InterruptedException e) {
                  // the connection is gone
                }
              });
      signaller.setDaemon(true);
      signaller.start();
    }
    List<Thread> pumps = new ArrayList<>();
    if (modes[1] == 1) {
      pumps.add(pump(p.getInputStream(), 1));
    }
    if (modes[2] == 1) {
      pumps.add(pump(p.getErrorStream(), 2));
    }
    Thread waiter =
        new Thread(
            () -> {
              try {
                int code = p.waitFor();
                for (Thread t : pumps) {
                  t.join();
                }
                send(Frames.EXITED, new Frames.Writer().i32(code).toByteArray());
              } catch (IOException | InterruptedException e) {
                // the connection is gone: nothing to report to
              }
            });
    waiter.setDaemon(true);
    waiter.start();
  }

  private Thread pump(InputStream stream, int fd) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[65536];
              try (stream) {
                int n;
                while ((n = stream.read(buf)) > 0) {
                  byte[] data = java.util.Arrays.copyOf(buf, n);
                  send(Frames.OUTPUT, new Frames.Writer().u8(fd).bytes(data).toByteArray());
                }
                send(Frames.OUTPUT_EOF, new Frames.Writer().u8(fd).toByteArray());
              } catch (IOException e) {
                // the connection or the stream is gone
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads what the engine sends until it closes; the frame types seen. */
  List<Integer> drainTypes() throws IOException {
    List<Integer> types = new ArrayList<>();
    try {
      Frames.Frame f;
      while ((f = Frames.read(in)) != null) {
        types.add(f.type());
      }
    } catch (IOException e) {
      types.add(-1);
    }
    return types;
  }

  OutputStream rawOutput() {
    return out;
  }

  void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
