package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Unix datagrams to a pathname socket on the host (issue 10). A datagram socket needs no
 * connection: {@code sendto}, {@code sendmsg} and {@code sendmmsg} with an address reach any
 * pathname datagram socket the command can name, from any network namespace, including one bound
 * after the launch (which no snapshot of the host's sockets can mask). {@code socketpair(AF_UNIX,
 * SOCK_RAW)} is silently a datagram pair, and SOCK_CLOEXEC and SOCK_NONBLOCK share the type
 * argument, so a filter comparing the type exactly misses them. The judgement is what a listener
 * the scenario binds after the launch received, checked by a control datagram the scenario sends
 * from outside.
 */
final class UnixDatagramScenarios implements ScenarioGroup {
  /** The socket's name, relative to the directory outside the workspace (paths are limited). */
  static final String SOCKET = "d.sock";

  @Override
  public void declare(ScenarioTable table) {
    table.add(
        Scenario.builder("unixDatagramToHostSocketBoundAfterLaunchIsNotDelivered")
            .judges(NET_DENY_ALL)
            .linux()
            .description(
                "python makes unix datagram sockets every way (socketpair and socket, SOCK_DGRAM"
                    + " and SOCK_RAW, with and without SOCK_CLOEXEC and SOCK_NONBLOCK) and sends"
                    + " with sendto, sendmsg and sendmmsg to a pathname datagram socket the host"
                    + " binds after the launch")
            .body(UnixDatagramScenarios::sendToLateHostSocket));
  }

  /**
   * The command: waits for {@code go} in its working directory, then tries every way to make a unix
   * datagram socket and every addressed send call. Prints one line per attempt and "done".
   */
  static final String SENDER =
      "import ctypes, os, socket, struct, sys, time\n"
          + "print('ready', flush=True)\n"
          + "for _ in range(400):\n"
          + "    if os.path.exists('go'):\n"
          + "        break\n"
          + "    time.sleep(0.05)\n"
          + "else:\n"
          + "    print('no go'); sys.exit(3)\n"
          + "try:\n"
          + "    os.chdir(sys.argv[1])\n"
          + "except OSError as e:\n"
          + "    print('chdir errno', e.errno)\n"
          + "name = sys.argv[2]\n"
          + "libc = ctypes.CDLL(None, use_errno=True)\n"
          + "class Iovec(ctypes.Structure):\n"
          + "    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]\n"
          + "class Msghdr(ctypes.Structure):\n"
          + "    _fields_ = [('name', ctypes.c_void_p), ('namelen', ctypes.c_uint32),\n"
          + "        ('iov', ctypes.POINTER(Iovec)), ('iovlen', ctypes.c_size_t),\n"
          + "        ('control', ctypes.c_void_p), ('controllen', ctypes.c_size_t),\n"
          + "        ('flags', ctypes.c_int)]\n"
          + "class Mmsghdr(ctypes.Structure):\n"
          + "    _fields_ = [('hdr', Msghdr), ('len', ctypes.c_uint32)]\n"
          + "def sendmmsg(s, data):\n"
          + "    addr = struct.pack('=H', socket.AF_UNIX) + name.encode() + b'\\0'\n"
          + "    a = ctypes.create_string_buffer(addr, len(addr))\n"
          + "    d = ctypes.create_string_buffer(data, len(data))\n"
          + "    iov = Iovec(ctypes.cast(d, ctypes.c_void_p), len(data))\n"
          + "    m = Mmsghdr(Msghdr(ctypes.cast(a, ctypes.c_void_p), len(addr),\n"
          + "        ctypes.pointer(iov), 1, None, 0, 0), 0)\n"
          + "    if libc.sendmmsg(s.fileno(), ctypes.byref(m), 1, 0) < 0:\n"
          + "        e = ctypes.get_errno(); raise OSError(e, os.strerror(e))\n"
          + "sends = [('sendto', lambda s, d: s.sendto(d, name)),\n"
          + "    ('sendmsg', lambda s, d: s.sendmsg([d], [], 0, name)),\n"
          + "    ('sendmmsg', sendmmsg)]\n"
          + "flags = [('', 0), ('|SOCK_CLOEXEC', socket.SOCK_CLOEXEC),\n"
          + "    ('|SOCK_NONBLOCK', socket.SOCK_NONBLOCK),\n"
          + "    ('|SOCK_CLOEXEC|SOCK_NONBLOCK', socket.SOCK_CLOEXEC | socket.SOCK_NONBLOCK)]\n"
          + "for make in ('socketpair', 'socket'):\n"
          + "    for tn, t in (('SOCK_DGRAM', socket.SOCK_DGRAM), ('SOCK_RAW', socket.SOCK_RAW)):\n"
          + "        for fn, f in flags:\n"
          + "            what = '%s(AF_UNIX, %s%s)' % (make, tn, fn)\n"
          + "            try:\n"
          + "                if make == 'socketpair':\n"
          + "                    s = socket.socketpair(socket.AF_UNIX, t | f)[0]\n"
          + "                else:\n"
          + "                    s = socket.socket(socket.AF_UNIX, t | f)\n"
          + "            except OSError as e:\n"
          + "                print(what, 'errno', e.errno); continue\n"
          + "            for call, send in sends:\n"
          + "                try:\n"
          + "                    send(s, ('%s %s' % (what, call)).encode()); print(what, call, 'sent')\n"
          + "                except OSError as e:\n"
          + "                    print(what, call, 'errno', e.errno)\n"
          + "print('done', flush=True)\n";

  private static void sendToLateHostSocket(ScenarioContext ctx) throws Exception {
    Path python = ctx.requireTool("python3");
    Path dir = ctx.outside();
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().build(),
            List.of(python.toString(), "-c", SENDER, dir.toString(), SOCKET))) {
      ex.stdin().close();
      Lines out = new Lines(ex.stdout());
      Lines err = new Lines(ex.stderr());
      ctx.check(
          out.await(line -> line.equals("ready"), Duration.ofSeconds(20)).isPresent(),
          "the command did not start (over-blocked?): " + err.text());
      // Bound only now: the command has been running for a while, as after any snapshot a
      // backend could have taken of the host's sockets at launch.
      DatagramListener listener = ctx.closeLater(new DatagramListener(python, dir, SOCKET));
      Files.writeString(ctx.workspace().resolve("go"), "");
      Optional<SandboxResult> ended = ex.waitFor(Duration.ofSeconds(25));
      if (ended.isEmpty()) {
        ex.kill();
        ctx.fail("the command did not end within 25 s: " + out.text() + err.text());
      }
      out.await(line -> line.equals("done"), Duration.ofSeconds(2));
      SandboxResult r = ended.get().toBuilder().stdout(out.bytes()).stderr(err.bytes()).build();
      List<String> sent = listener.received(Listeners.GRACE);
      ctx.check(
          sent.isEmpty(),
          "unix datagram socket "
              + dir.resolve(SOCKET)
              + ", bound after the launch, received "
              + sent.size()
              + " datagram(s) from inside the sandbox: "
              + (sent.size() > 4 ? sent.subList(0, 4) + " and more" : sent)
              + " ("
              + excerpt(r)
              + ")");
      ctx.check(
          r.stdoutText().contains("\ndone\n"),
          "the command did not make its attempts (over-blocked?): " + excerpt(r));
      // The listener must be one the command could have reached: a datagram from outside arrives.
      Process control =
          new ProcessBuilder(
                  python.toString(),
                  "-c",
                  "import socket,sys\n"
                      + "socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'control',"
                      + " sys.argv[1])\n",
                  SOCKET)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
      if (!control.waitFor(10, TimeUnit.SECONDS)) {
        control.destroyForcibly();
      }
      ctx.check(
          listener.receives("control", Duration.ofSeconds(5)),
          "the control datagram sent from outside did not reach "
              + dir.resolve(SOCKET)
              + ": the listener cannot show a leak");
    }
  }

  /** The lines of a stream, read by a daemon thread, awaited with a bound. */
  static final class Lines {
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();

    Lines(InputStream in) {
      Thread t =
          new Thread(
              () -> {
                try (BufferedReader b =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                  for (String line = b.readLine(); line != null; line = b.readLine()) {
                    synchronized (all) {
                      all.append(line).append('\n');
                    }
                    queue.add(line);
                  }
                } catch (IOException e) {
                  // Closed when the execution ends: keep what was read.
                }
              },
              "sandbox4j-conformance-lines");
      t.setDaemon(true);
      t.start();
    }

    /** The first line matching {@code p} within {@code wait}, consuming the lines before it. */
    Optional<String> await(java.util.function.Predicate<String> p, Duration wait)
        throws InterruptedException {
      long end = System.nanoTime() + wait.toNanos();
      for (long left = wait.toNanos(); left > 0; left = end - System.nanoTime()) {
        String line = queue.poll(left, TimeUnit.NANOSECONDS);
        if (line != null && p.test(line)) {
          return Optional.of(line);
        }
      }
      return Optional.empty();
    }

    /** Every line drained within {@code wait} after the last one. */
    List<String> drain(Duration wait) throws InterruptedException {
      List<String> out = new ArrayList<>();
      for (String line = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
          line != null;
          line = queue.poll(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        out.add(line);
      }
      return out;
    }

    String text() {
      synchronized (all) {
        return all.toString();
      }
    }

    byte[] bytes() {
      return text().getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * A pathname unix datagram socket, bound by a python3 process on the host (the JDK cannot bind
   * one) in {@code dir} under a relative name; it prints every datagram it receives.
   */
  static final class DatagramListener implements AutoCloseable {
    private static final String SCRIPT =
        "import os, socket, sys\n"
            + "os.chdir(sys.argv[1])\n"
            + "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
            + "s.bind(sys.argv[2])\n"
            + "print('ready', flush=True)\n"
            + "s.settimeout(60)\n"
            + "try:\n"
            + "    while True:\n"
            + "        print(s.recv(512).decode('ascii', 'replace'), flush=True)\n"
            + "except socket.timeout:\n"
            + "    pass\n";
    private final Process process;
    private final Lines lines;
    private final Path socket;

    DatagramListener(Path python, Path dir, String name) throws IOException, InterruptedException {
      this.socket = dir.resolve(name);
      this.process =
          new ProcessBuilder(python.toString(), "-c", SCRIPT, dir.toString(), name)
              .redirectErrorStream(true)
              .start();
      this.lines = new Lines(process.getInputStream());
      if (lines.await("ready"::equals, Duration.ofSeconds(10)).isEmpty()) {
        close();
        throw new UncheckedIOException(
            new IOException(
                "the unix datagram listener at " + socket + " did not start: " + lines.text()));
      }
    }

    /** Whether a datagram holding {@code text} arrives within {@code wait}. */
    boolean receives(String text, Duration wait) throws InterruptedException {
      return lines.await(text::equals, wait).isPresent();
    }

    /** The datagrams received so far and within {@code wait} of the last. */
    List<String> received(Duration wait) throws InterruptedException {
      return lines.drain(wait);
    }

    @Override
    public void close() {
      process.destroyForcibly();
      try {
        Files.deleteIfExists(socket);
      } catch (IOException e) {
        // Best effort: the scratch directory goes with the scenario.
      }
    }
  }
}
