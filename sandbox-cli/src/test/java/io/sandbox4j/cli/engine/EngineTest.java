package io.sandbox4j.cli.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.cli.Caller;
import io.sandbox4j.cli.CliContext;
import io.sandbox4j.cli.Main;
import io.sandbox4j.core.Sandbox;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import picocli.CommandLine;

/**
 * A real engine in this JVM on a socket directory under target/ (a private /tmp would hide /tmp
 * paths from sandboxed commands), driven by {@link EngineTestClient}. Linux only: the engine's
 * socket, peer credentials and /proc checks are Linux's.
 */
@EnabledOnOs(OS.LINUX)
class EngineTest {
  private static final AtomicInteger DIRS = new AtomicInteger();
  private static Path base;
  private static Path workspace;
  private static EngineLocation location;
  private static EngineServer server;
  private static Thread serving;

  @BeforeAll
  static void startEngine() throws Exception {
    base = Path.of("target", "eng").toAbsolutePath();
    Files.createDirectories(base);
    workspace = Files.createTempDirectory(base, "ws");
    location = newLocation();
    server = newServer(location, Duration.ZERO);
    assertThat(server.open()).isTrue();
    serving = new Thread(server::serve, "test-engine");
    serving.setDaemon(true);
    serving.start();
  }

  @AfterAll
  static void stopEngine() throws Exception {
    if (server != null && !server.isStopping()) {
      server.stop();
    }
    if (serving != null) {
      serving.join(40_000);
    }
  }

  /**
   * A fresh engine directory, {@code RUNTIME/sandbox4j} as for {@code XDG_RUNTIME_DIR=RUNTIME},
   * named by the "script" path RUNTIME.
   */
  private static EngineLocation newLocation() throws IOException {
    Path runtime = base.resolve("r" + ProcessHandle.current().pid() + "-" + DIRS.incrementAndGet());
    Files.createDirectories(runtime);
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    return new EngineLocation(runtime.resolve("sandbox4j"), EngineLocation.id(runtime.toString()));
  }

  private static EngineServer newServer(EngineLocation where, Duration idle) {
    return new EngineServer(
        where,
        idle,
        new RequestChecks(System.getenv(), EngineCommand.installation(null)),
        Sandbox::create);
  }

  private static List<byte[]> args(String... args) {
    List<byte[]> list = new ArrayList<>();
    for (String a : args) {
      list.add(EngineTestClient.utf8(a));
    }
    return list;
  }

  private EngineTestClient client(String name) throws IOException {
    return new EngineTestClient(
        location.socket(), workspace.resolve(name + ".out"), workspace.resolve(name + ".err"));
  }

  /** The same arguments through the in-JVM path: a JVM of its own running Main. */
  private static int inJvm(Path out, Path err, String... args) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(ProcessHandle.current().info().command().orElseThrow());
    argv.add("-cp");
    argv.add(System.getProperty("java.class.path"));
    argv.add(Main.class.getName());
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(workspace.toFile());
    pb.redirectInput(Redirect.from(Path.of("/dev/null").toFile()));
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue();
  }

  @Test
  void aRunGivesTheSameExitCodeAndBytesAsTheInJvmPath() throws Exception {
    String[][] cases = {
      {"run", "--", "/bin/echo", "hi"},
      {"run", "--", "sh", "-c", "echo out; echo err >&2; exit 3"},
      {"run", "--", "/nonexistent-command-sandbox4j"},
      {"run", "--memory", "lots", "--", "true"},
      // relative paths are the request's, not the engine's (which runs in another directory)
      {"run", "--policy", "missing.toml", "--", "true"},
      {"run", "--workspace", ".", "--", "pwd"},
      // the command's standard error relayed, and denials inferred from it
      {"run", "--", "sh", "-c", "cat /etc/shadow; cat /root/.ssh/id_rsa; exit 1"},
    };
    for (String[] c : cases) {
      EngineTestClient.Outcome o;
      try (EngineTestClient client = client("same")) {
        o = client.run(workspace, args(c), System.getenv());
      }
      int expected = inJvm(workspace.resolve("jvm.out"), workspace.resolve("jvm.err"), c);
      assertThat(o.fallback()).as(String.join(" ", c)).isNull();
      assertThat(o.exit()).as(String.join(" ", c)).isEqualTo(expected);
      assertThat(Files.readString(workspace.resolve("same.out")))
          .as(String.join(" ", c))
          .isEqualTo(Files.readString(workspace.resolve("jvm.out")));
      assertThat(Files.readString(workspace.resolve("same.err")))
          .as(String.join(" ", c))
          .isEqualTo(Files.readString(workspace.resolve("jvm.err")));
    }
    assertThat(Files.readString(workspace.resolve("same.err"))).contains("sandbox: inferred: ");
  }

  @Test
  void spawnCarriesTheLauncherArgvAndEchoSaysHi() throws Exception {
    try (EngineTestClient client = client("echo")) {
      EngineTestClient.Outcome o =
          client.run(workspace, args("run", "--", "/bin/echo", "hi"), System.getenv());
      assertThat(o.exit()).isZero();
      assertThat(o.spawns()).hasSize(1);
      List<String> argv = o.spawns().get(0);
      assertThat(argv.get(0)).startsWith("/").contains("launcher");
      assertThat(argv).contains("/bin/echo", "hi");
    }
    assertThat(Files.readString(workspace.resolve("echo.out"))).isEqualTo("hi\n");
  }

  @Test
  void whatTheEngineCannotServeFallsBack() throws Exception {
    Map<String, String> otherHome = new HashMap<>(System.getenv());
    otherHome.put("HOME", workspace.toString());
    List<byte[]> notUtf8 = args("run", "--", "/bin/echo");
    notUtf8.add(new byte[] {'a', (byte) 0xff});
    Object[][] cases = {
      {args("explain"), System.getenv(), "serves `run` only"},
      {notUtf8, System.getenv(), "not UTF-8"},
      {args("run", "--", "/bin/echo", "\uFFFD"), System.getenv(), "U+FFFD"},
      {args("run", "--", "/bin/echo"), otherHome, "$HOME differs"},
    };
    for (Object[] c : cases) {
      try (EngineTestClient client = client("fallback")) {
        @SuppressWarnings("unchecked")
        EngineTestClient.Outcome o =
            client.run(workspace, (List<byte[]>) c[0], (Map<String, String>) c[1]);
        assertThat(o.fallback()).contains((String) c[2]);
        assertThat(o.spawns()).isEmpty();
      }
    }
    try (EngineTestClient client = client("version")) {
      byte[] request =
          EngineTestClient.request(workspace, args("run", "--", "true"), System.getenv());
      request[3] = 2; // version 2
      client.send(Frames.REQUEST, request);
      assertThat(client.drainTypes()).containsExactly(Frames.FALLBACK);
    }
  }

  @Test
  void aClientThatDiesMidRunHasItsTreeKilled() throws Exception {
    Path marker = workspace.resolve("sleeping");
    EngineTestClient client = client("dies");
    client.dieAfterStart = true;
    client.run(
        workspace,
        args("run", "--", "sh", "-c", "touch " + marker + "; exec sleep 300"),
        System.getenv());
    Process launcher = client.child;
    assertThat(launcher).isNotNull();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!Files.exists(marker) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(marker).exists();
    List<ProcessHandle> tree = launcher.toHandle().descendants().toList();
    assertThat(tree).isNotEmpty();
    client.close(); // end of file for the engine, while the client's child still runs
    assertThat(launcher.waitFor(10, TimeUnit.SECONDS)).as("the launcher is killed").isTrue();
    for (ProcessHandle h : tree) {
      assertThat(h.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }

  @Test
  void aSignalKillsTheTreeAndEndsWith128PlusIt() throws Exception {
    Path marker = workspace.resolve("signalled");
    try (EngineTestClient client = client("signal")) {
      client.signalAfterStart = 15;
      client.signalWhen = marker;
      EngineTestClient.Outcome o =
          client.run(
              workspace,
              args("run", "--", "sh", "-c", "touch " + marker + "; exec sleep 300"),
              System.getenv());
      assertThat(o.exit()).isEqualTo(128 + 15);
      assertThat(client.child.isAlive()).isFalse();
    }
    assertThat(marker).exists();
  }

  @Test
  void badFramesCloseTheConnectionAndTheEngineKeepsServing() throws Exception {
    byte[][] bad = {
      {(byte) 0x01, (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // 2 GiB
      {(byte) 0x7e, 0, 0, 0, 0}, // unknown type
      {(byte) 0x01, 0, 0, 0, 10, 0, 0, 0}, // payload cut short
      {(byte) 0x01, 0, 0, 0, 2, 0, 0}, // a REQUEST of two bytes
    };
    for (byte[] frame : bad) {
      try (EngineTestClient client = client("bad")) {
        client.rawOutput().write(frame);
        client.shutdownOutput();
        List<Integer> types = client.drainTypes();
        assertThat(types).doesNotContain(Frames.SPAWN, Frames.EXIT);
      }
    }
    assertThat(EngineCommand.EngineClient.status(location)).isPresent();
  }

  @Test
  void aPeerWithNoNewPrivsFallsBack() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    Path perl = Path.of("/usr/bin/perl");
    Assumptions.assumeTrue(
        Files.isExecutable(setpriv) && Files.isExecutable(perl), "needs setpriv and perl");
    String[] seen =
        perlClientFrame(List.of(setpriv.toString(), "--no-new-privs"), location.socket())
            .split("\n", 3);
    assertThat(seen[0]).isEqualTo("type 38");
    // the reason names no pid: a global pid helps a sandboxed command aim a pid-reuse attack
    assertThat(seen[2]).contains("no_new_privs").doesNotContain(seen[1]);
    assertThat(Files.readString(location.log()))
        .contains("fallback for pid " + seen[1] + ": the client runs with no_new_privs");
  }

  @Test
  void anotherUidIsRefusedWithoutAFrame() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    Path perl = Path.of("/usr/bin/perl");
    Assumptions.assumeTrue(EngineServer.uid() == 0, "needs root to run a client as nobody");
    Assumptions.assumeTrue(
        Files.isExecutable(setpriv) && Files.isExecutable(perl), "needs setpriv and perl");
    // reachable for this test only: a link to the socket in a directory nobody can enter
    Path open = Files.createTempDirectory(base, "open");
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path link = open.resolve("s");
    Files.createLink(link, location.socket());
    Files.setPosixFilePermissions(link, PosixFilePermissions.fromString("rwxrwxrwx"));
    try {
      String seen =
          perlClient(
              List.of(setpriv.toString(), "--reuid=nobody", "--regid=nogroup", "--clear-groups"),
              link);
      assertThat(seen).isEqualTo("closed");
      assertThat(Files.readString(location.log())).contains("refused a connection from uid 65534");
    } finally {
      Files.delete(link);
    }
  }

  /**
   * A sandboxed command (no_new_privs) can connect from a child that then ends, and wait until its
   * pid names a process without no_new_privs (it can make the engine start a thread of its own by
   * connecting again): the peer check must be about the process that connected, not its pid number.
   * Here perl connects and exits; its child makes the kernel hand out the same pid again (root:
   * ns_last_pid) to a process without no_new_privs, and only then sends the REQUEST.
   */
  @Test
  void aPeerWhosePidWasReusedFallsBack() throws Exception {
    Path perl = Path.of("/usr/bin/perl");
    Path lastPid = Path.of("/proc/sys/kernel/ns_last_pid");
    Assumptions.assumeTrue(EngineServer.uid() == 0, "needs root to choose the next pid");
    Assumptions.assumeTrue(
        Files.isExecutable(perl) && Files.isWritable(lastPid), "needs perl and ns_last_pid");
    String script =
        "use Socket; socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\";"
            + " connect($s, pack_sockaddr_un($ARGV[0])) or die \"connect: $!\"; my $p = $$;"
            + " my $r = pack('N', 1) . pack('N/a*', '/') . pack('N', 2) . pack('N/a*', 'run')"
            + " . pack('N/a*', 'true') . pack('N', 0) . pack('N', 0) . pack('N', $p);"
            + " defined(my $kid = fork()) or die \"fork: $!\"; exit 0 if $kid;"
            + " for (1 .. 3000) { last unless kill 0, $p; select(undef, undef, undef, 0.01) }"
            + " my $g; for (1 .. 50) { open(my $f, '>', '/proc/sys/kernel/ns_last_pid') or die;"
            + " print $f $p - 1; close $f; $g = fork(); die \"fork: $!\" unless defined $g;"
            + " if ($g == 0) { sleep 60; exit 0 } last if $g == $p; kill 9, $g; waitpid $g, 0;"
            + " $g = undef } die \"pid $p was not handed out again\" unless defined $g;"
            + " syswrite($s, pack('C', 1) . pack('N', length $r) . $r);"
            + " my $n = sysread($s, my $b, 1);"
            + " print 'reused ', $p, ' ', ($n ? 'type ' . ord($b) : 'closed'), \"\\n\";"
            + " kill 9, $g; waitpid $g, 0;";
    Path out = workspace.resolve("reused.out");
    Process p =
        new ProcessBuilder(perl.toString(), "-e", script, location.socket().toString())
            .redirectOutput(out.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(out).endsWith("\n") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(Files.readString(out)).isEqualTo("reused " + p.pid() + " type 38\n");
    assertThat(Files.readString(location.log()))
        .contains("fallback for pid " + p.pid() + ": the client ended before it could be checked");
  }

  /**
   * A sandboxed command that may write the engine's directory can leave links in place of its
   * files: the next engine start must neither change nor create what they point to (it used to
   * chmod the target 0600 and append the JVM's warnings to it).
   */
  @Test
  void linksPlantedAsTheLogOrTheLockAreNotFollowed() throws Exception {
    EngineLocation where = newLocation();
    where.prepare();
    Path victim = Files.createTempFile(base, "victim", ".txt");
    Files.writeString(victim, "precious\n");
    Files.setPosixFilePermissions(victim, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createSymbolicLink(where.log(), victim);
    EngineServer.createPrivateFile(where.log());
    assertThat(Files.isRegularFile(where.log(), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(where.log())))
        .isEqualTo("rw-------");
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(victim)))
        .isEqualTo("rw-r--r--");

    Path created = base.resolve("created-" + DIRS.incrementAndGet());
    Files.createSymbolicLink(where.lock(), created);
    EngineServer s = newServer(where, Duration.ZERO);
    assertThatThrownBy(s::open)
        .isInstanceOf(io.sandbox4j.api.SandboxException.class)
        .hasMessageContaining(where.lock().toString());
    assertThat(created).doesNotExist();
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
  }

  /**
   * The run's cgroups (--memory, --max-procs as root) are made beneath the cgroup of the process
   * that probed the host: the engine's. A client in a cgroup of its own (a session with its own
   * memory limit) would have its command moved out from under that limit; the in-JVM path keeps it
   * beneath, so such a request falls back.
   */
  @Test
  void aClientInAnotherCgroupFallsBack() throws Exception {
    Path perl = Path.of("/usr/bin/perl");
    Assumptions.assumeTrue(EngineServer.uid() == 0, "needs root to make a cgroup");
    Assumptions.assumeTrue(Files.isExecutable(perl), "needs perl");
    Path own = null;
    for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && f[1].equals("memory")) {
        own = Path.of("/sys/fs/cgroup/memory" + f[2]);
      } else if (f.length == 3 && f[0].equals("0") && own == null) {
        own = Path.of("/sys/fs/cgroup" + f[2]);
      }
    }
    Assumptions.assumeTrue(own != null && Files.isWritable(own), "needs a writable cgroup");
    Path child = own.resolve("sandbox4j-enginetest-" + ProcessHandle.current().pid());
    try {
      Files.createDirectory(child);
    } catch (IOException e) {
      Assumptions.abort("cannot make a cgroup beneath " + own + ": " + e);
    }
    try {
      String seen =
          perlClient(
              List.of(
                  "/bin/sh",
                  "-c",
                  "echo $$ > \"$0\"/cgroup.procs && exec \"$@\"",
                  child.toString()),
              location.socket());
      assertThat(seen).isEqualTo("type 38");
      assertThat(Files.readString(location.log()))
          .contains(": the client's cgroups differ from the engine's");
    } finally {
      Files.delete(child);
    }
  }

  /** A REQUEST from perl under {@code prefix}: "type N" for the first frame, or "closed". */
  private static String perlClient(List<String> prefix, Path socket) throws Exception {
    return perlClientFrame(prefix, socket).lines().findFirst().orElse("");
  }

  /**
   * As {@link #perlClient}, then the client's pid and the first frame's payload (after its length)
   * on lines of their own.
   */
  private static String perlClientFrame(List<String> prefix, Path socket) throws Exception {
    String script =
        // SIGPIPE ignored: an engine that closes at once (another uid) may do so before the write
        "use Socket; $SIG{PIPE} = 'IGNORE';"
            + " socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\";"
            + " connect($s, pack_sockaddr_un($ARGV[0])) or die \"connect: $!\";"
            + " my $p = pack('N', 1) . pack('N/a*', '/') . pack('N', 2) . pack('N/a*', 'run')"
            + " . pack('N/a*', 'true') . pack('N', 0) . pack('N', 0) . pack('N', $$);"
            + " syswrite($s, pack('C', 1) . pack('N', length $p) . $p);"
            + " my $n = sysread($s, my $b, 1); print(($n ? 'type ' . ord($b) : 'closed'));"
            + " if ($n) { my $h = ''; while (length($h) < 8) { sysread($s, my $c, 8 - length($h))"
            + " or last; $h .= $c } my $len = unpack('x4 N', $h . (\"\\0\" x 8)); my $t = '';"
            + " while (length($t) < $len) { sysread($s, my $c, $len - length($t)) or last;"
            + " $t .= $c } print \"\\n$$\\n$t\" }";
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of("/usr/bin/perl", "-e", script, socket.toString()));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  @Test
  void anIdleEngineExits() throws Exception {
    EngineLocation where = newLocation();
    EngineServer idle = newServer(where, Duration.ofSeconds(1));
    assertThat(idle.open()).isTrue();
    Thread t = new Thread(idle::serve);
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(where.socket()).doesNotExist();
    assertThat(Files.readString(where.log())).contains("idle for 1 s");
  }

  /**
   * A connection that never sends its first frame used to hold its thread forever, and with it the
   * engine's idle exit and STOP: it is closed after the bound, and the idle engine then exits.
   */
  @Test
  void aSilentConnectionIsClosedAndDoesNotKeepTheEngineUp() throws Exception {
    assertThat(EngineServer.FIRST_FRAME_BOUND).isEqualTo(Duration.ofSeconds(10));
    EngineLocation where = newLocation();
    EngineServer idle = newServer(where, Duration.ofSeconds(1));
    idle.firstFrameBound(Duration.ofMillis(300));
    assertThat(idle.open()).isTrue();
    Thread t = new Thread(idle::serve);
    t.setDaemon(true);
    t.start();
    try (io.sandbox4j.launcher.linux.UnixSocket silent =
        io.sandbox4j.launcher.linux.UnixSocket.connect(where.socket())) {
      java.util.concurrent.FutureTask<Integer> read =
          new java.util.concurrent.FutureTask<>(() -> silent.input().read());
      Thread reader = new Thread(read);
      reader.setDaemon(true);
      reader.start();
      assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
      t.join(10_000);
      assertThat(t.isAlive()).isFalse();
    } finally {
      if (t.isAlive()) {
        idle.stop();
      }
    }
    assertThat(Files.readString(where.log()))
        .contains("no first frame within 300 ms: connection closed")
        .contains("idle for 1 s");
  }

  @Test
  void startTwiceStatusAndStop() throws Exception {
    EngineLocation where = newLocation();
    EngineServer first = newServer(where, Duration.ZERO);
    assertThat(first.open()).isTrue();
    Thread t = new Thread(first::serve);
    t.start();
    assertThat(newServer(where, Duration.ZERO).open()).as("a second engine").isFalse();

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertThat(engine(where, out, err, "status")).isZero();
    assertThat(out.toString())
        .contains(
            "pid: " + ProcessHandle.current().pid(), "runs served: 0", where.socket().toString());
    assertThat(engine(where, out, err, "stop")).isZero();
    assertThat(err.toString()).contains("stopped");
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    err.getBuffer().setLength(0);
    assertThat(engine(where, out, err, "status")).isEqualTo(1);
    assertThat(err.toString()).contains("no engine runs");
    assertThat(engine(where, out, err, "stop")).isZero();
    assertThat(err.toString()).contains("no engine was running");
  }

  /** {@code sandbox engine CMD} in-process, finding the engine of {@code where} as users do. */
  private static int engine(EngineLocation where, StringWriter out, StringWriter err, String cmd) {
    Path runtime = where.directory().getParent();
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("XDG_RUNTIME_DIR", runtime.toString());
    CliContext context = new CliContext(env, workspace, Sandbox::create, Caller.LOCAL);
    String[] args = {"engine", "--script", runtime.toString(), cmd};
    CommandLine cl = Main.commandLine(context, args);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }
}
