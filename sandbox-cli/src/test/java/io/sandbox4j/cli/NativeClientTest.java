package io.sandbox4j.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.cli.FakeEngine.Connection;
import io.sandbox4j.cli.FakeEngine.Frame;
import io.sandbox4j.cli.FakeEngine.Request;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The native client {@code target/sandbox4j-client} (src/main/c/sandbox4j-client.c) driven by a
 * {@link FakeEngine}: streams, exit codes, the terminal, signals, fallback to the script, engine
 * start on demand, and what happens when either side dies or misbehaves. The "script" here is a
 * recording script that writes how it was run to {@code records/<first argument>} and exits 42.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the native client is a Linux program")
class NativeClientTest {
  private static final Path CLIENT = Path.of("target", "sandbox4j-client").toAbsolutePath();
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> PATH_ONLY = List.of("PATH=/usr/bin:/bin");
  private static final String RECORDING_SCRIPT =
      """
      #!/bin/sh
      f="$RECORD_DIR/$1"
      { printf '%s\\n' "${SANDBOX4J_ENGINE-unset}"; readlink /proc/$$/fd/0
        for a in "$@"; do printf '%s\\0' "$a"; done; } > "$f.tmp"
      mv "$f.tmp" "$f"
      exit 42
      """;

  private Path dir;
  private Path records;
  private String script;
  private final List<Long> strays = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    Assumptions.assumeTrue(
        Files.isExecutable(CLIENT),
        "the native client was not built (profile native needs a C compiler at /usr/bin/cc)");
    // The socket lives under target/ (XDG_RUNTIME_DIR), created 0700 as the protocol wants.
    dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "e");
    Assumptions.assumeTrue(
        dir.toString().length() + "/sandbox4j/engine-0123456789abcdef.sock".length() < 107,
        "the build directory's path is too long for a unix socket address (the JDK binds 106"
            + " bytes at most)");
    records = Files.createDirectory(dir.resolve("records"));
    Path s = dir.resolve("sandbox");
    Files.writeString(s, RECORDING_SCRIPT);
    Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
    script = s.toString();
  }

  @AfterEach
  void tearDown() throws IOException {
    for (long pid : strays) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    if (dir != null) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  @Test
  void spawnedChildInheritsStdoutPipesStderrAndItsExitCodeIsTheClients() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("--", "/bin/true"), Map.of("MARKER", "1"), null);
      try (Connection c = engine.accept(WAIT)) {
        Request r = c.request();
        assertThat(r.argStrings()).containsExactly("run", "--", "/bin/true");
        assertThat(new String(r.cwd(), UTF_8)).isEqualTo(dir.toRealPath().toString());
        assertThat(r.env()).contains("MARKER=1", "XDG_RUNTIME_DIR=" + dir);
        assertThat(r.pid()).isEqualTo((int) client.pid());
        assertThat(r.flags()).as("no descriptor is a terminal").isZero();
        c.spawn(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 7"), PATH_ONLY, 0, 0, 1);
        List<Frame> seen = new ArrayList<>();
        assertThat(c.readUntil(FakeEngine.STARTED, seen, WAIT).i32(0)).isPositive();
        Frame exited = c.readUntil(FakeEngine.EXITED, seen, WAIT);
        assertThat(exited.i32(0)).isEqualTo(7);
        Frame output = seen.stream().filter(f -> f.type() == FakeEngine.OUTPUT).findFirst().get();
        assertThat(output.u8(0)).as("stream").isEqualTo(2);
        assertThat(output.text()).isEqualTo("err\n");
        c.write(2, "sandbox: a note from the engine\n");
        c.exit(7);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(7);
      assertThat(Files.readString(dir.resolve("out"))).isEqualTo("out\n");
      assertThat(Files.readString(dir.resolve("err")))
          .isEqualTo("sandbox: a note from the engine\n");
    }
  }

  @Test
  void stdinReachesTheChildInheritedOrThroughInputFrames() throws Exception {
    Path in = Files.writeString(dir.resolve("in"), "from the client's stdin\n");
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("--", "cat"), Map.of(), in.toFile());
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        // First child: stdin inherited, stdout piped back.
        c.spawn(List.of("/bin/cat"), List.of(), 0, 1, 0);
        List<Frame> seen = new ArrayList<>();
        c.readUntil(FakeEngine.EXITED, seen, WAIT);
        assertThat(outputOf(seen, 1)).isEqualTo("from the client's stdin\n");
        // Second child on the same connection: stdin fed by INPUT frames, stdout inherited,
        // stderr on /dev/null.
        c.spawn(List.of("/bin/sh", "-c", "cat; echo gone >&2"), List.of(), 1, 0, 2);
        c.readUntil(FakeEngine.STARTED, seen, WAIT);
        c.input("through INPUT\n");
        c.send(FakeEngine.INPUT_EOF, new byte[0]);
        assertThat(c.readUntil(FakeEngine.EXITED, seen, WAIT).i32(0)).isZero();
        c.exit(0);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isZero();
      assertThat(Files.readString(dir.resolve("out"))).isEqualTo("through INPUT\n");
      assertThat(Files.readString(dir.resolve("err"))).isEmpty();
    }
  }

  @Test
  void theChildHasNoOtherDescriptorAndTheCallersSignalDispositions() throws Exception {
    // The same command started without the client: only 0-2 (and the descriptor the shell's glob
    // itself opens), and what the caller ignores (the client ignores SIGPIPE, the child must not).
    String command = "echo /proc/$$/fd/*; exec /bin/grep ^SigIgn /proc/self/status";
    Process direct = new ProcessBuilder("/bin/sh", "-c", command).start();
    String[] expected =
        new String(direct.getInputStream().readAllBytes(), UTF_8)
            .replaceAll("/proc/[0-9]+/fd/", "")
            .split("\n", 2);
    assertThat(direct.waitFor()).isZero();
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      // The caller leaves descriptor 5 open: the client has it, the child must not.
      Process client =
          startRaw(
              List.of(
                  "/bin/sh",
                  "-c",
                  "exec 5</dev/null; exec \"$0\" \"$1\" run x",
                  CLIENT.toString(),
                  script),
              Map.of());
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of("/bin/sh", "-c", command), List.of(), 0, 1, 0);
        List<Frame> seen = new ArrayList<>();
        c.readUntil(FakeEngine.EXITED, seen, WAIT);
        String[] lines = outputOf(seen, 1).split("\n", 2);
        assertThat(lines[0].replaceAll("/proc/[0-9]+/fd/", ""))
            .as("the child's descriptors")
            .isEqualTo(expected[0]);
        assertThat(lines[1]).isEqualTo(expected[1]);
        c.exit(0);
        awaitExit(client);
      }
    }
  }

  @Test
  void outputTheChildWroteBeforeItEndedComesBeforeExited() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of("/bin/sh", "-c", "sleep 0.3; echo late; exit 5"), List.of(), 0, 1, 0);
        List<Frame> seen = new ArrayList<>();
        c.readUntil(FakeEngine.STARTED, seen, WAIT);
        // Stopped while the child writes and ends, the client then finds both the output and
        // the child's end ready at once.
        signal("STOP", client.pid());
        Thread.sleep(800);
        signal("CONT", client.pid());
        c.readUntil(FakeEngine.EXITED, seen, WAIT);
        assertThat(outputOf(seen, 1)).isEqualTo("late\n");
        c.exit(5);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(5);
    }
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor())
        .isZero();
  }

  @Test
  void megabytesOfInputReachAPipedChildWhileItsOutputComesBack() throws Exception {
    // More than the client buffers (1 MiB) before it stops reading the socket: the engine must
    // read OUTPUT while it sends INPUT, as this test does with a second thread.
    byte[] data = new byte[4 << 20];
    new Random(4).nextBytes(data);
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of("/bin/cat"), List.of(), 1, 1, 0);
        c.readUntil(FakeEngine.STARTED, new ArrayList<>(), WAIT);
        Thread sender =
            new Thread(
                () -> {
                  for (int off = 0; off < data.length; off += 65536) {
                    byte[] chunk = Arrays.copyOfRange(data, off, off + 65536);
                    c.send(
                        FakeEngine.INPUT,
                        FakeEngine.payload(
                            out -> {
                              out.writeInt(chunk.length);
                              out.write(chunk);
                            }));
                  }
                  c.send(FakeEngine.INPUT_EOF, new byte[0]);
                });
        sender.start();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Frame f;
        while ((f = c.read(WAIT)).type() != FakeEngine.EXITED) {
          if (f.type() == FakeEngine.OUTPUT) {
            got.write(f.payload(), 5, f.payload().length - 5);
          }
        }
        sender.join(10_000);
        assertThat(f.i32(0)).isZero();
        assertThat(got.size()).isEqualTo(data.length);
        assertThat(got.toByteArray()).isEqualTo(data);
        c.exit(0);
        awaitExit(client);
      }
    }
  }

  @Test
  void aSpawnThatCannotExecIsReportedWithItsErrno() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of(dir.resolve("missing").toString()), List.of(), 0, 0, 0);
        Frame failed = c.read(WAIT);
        assertThat(failed.type()).isEqualTo(FakeEngine.SPAWN_FAILED);
        assertThat(failed.i32(0)).as("errno").isEqualTo(2);
        assertThat(new String(failed.payload(), 8, failed.payload().length - 8, UTF_8))
            .contains("missing", "No such file");
        c.exit(127);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(127);
    }
  }

  @Test
  void aTerminalStaysTheChildsControllingTerminal() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/script")),
        "util-linux script (to run the client on a pseudo-terminal) is not installed");
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      String command = CLIENT + " " + script + " run -- tty";
      Process client = startRaw(List.of("/usr/bin/script", "-qec", command, "/dev/null"), Map.of());
      try (Connection c = engine.accept(WAIT)) {
        Request r = c.request();
        assertThat(r.flags()).as("fd 0, 1 and 2 are terminals").isEqualTo(7);
        c.spawn(
            List.of("/bin/sh", "-c", "tty; if : </dev/tty; then echo controlling-tty; fi"),
            PATH_ONLY,
            0,
            0,
            0);
        c.readUntil(FakeEngine.EXITED, new ArrayList<>(), WAIT);
        c.exit(0);
        awaitExit(client);
      }
      assertThat(Files.readString(dir.resolve("out")))
          .containsPattern("/dev/pts/[0-9]+")
          .contains("controlling-tty");
    }
  }

  @Test
  void fallbackExecsTheScriptWithByteIdenticalArgumentsAndTheEngineOff() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      // A non-UTF-8 byte (0xff) cannot come from a Java string: the shell makes it.
      Process client =
          startRaw(
              List.of(
                  "/bin/sh",
                  "-c",
                  "exec \"$0\" \"$1\" run --flag \"$(printf 'a\\377b')\" 'x  y' ''",
                  CLIENT.toString(),
                  script),
              Map.of("SANDBOX4J_ENGINE_DEBUG", "1"));
      byte[] odd = {'a', (byte) 0xff, 'b'};
      try (Connection c = engine.accept(WAIT)) {
        Request r = c.request();
        assertThat(r.args().get(2)).as("the raw bytes in the REQUEST").isEqualTo(odd);
        c.fallback("the fake engine says no");
        awaitExit(client);
      }
      assertThat(client.exitValue()).as("the script's own exit code").isEqualTo(42);
      Invocation run = record("run");
      assertThat(run.engine()).isEqualTo("off");
      assertThat(run.args())
          .containsExactly(
              "run".getBytes(UTF_8),
              "--flag".getBytes(UTF_8),
              odd,
              "x  y".getBytes(UTF_8),
              new byte[0]);
      assertThat(Files.readString(dir.resolve("err"))).contains("the fake engine says no");
    }
  }

  @Test
  void withNoEngineListeningTheClientStartsOneDetachedAndFallsBack() throws Exception {
    Files.createDirectory(
        dir.resolve("sandbox4j"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Process client = start(List.of("--", "/bin/true"), Map.of("SANDBOX4J_ENGINE", "on"), null);
    awaitExit(client);
    assertThat(client.exitValue()).isEqualTo(42);
    assertThat(record("run").engine()).isEqualTo("off");
    Invocation start = awaitRecord("engine");
    assertThat(start.args())
        .containsExactly(
            "engine".getBytes(UTF_8), "start".getBytes(UTF_8), "--detach".getBytes(UTF_8));
    assertThat(start.engine()).as("SANDBOX4J_ENGINE is removed").isEqualTo("unset");
    assertThat(start.stdin()).isEqualTo("/dev/null");
  }

  /** A hung engine (it took the request and sends nothing) does not hang `run`: nothing ran yet. */
  @Test
  void anEngineThatSendsNothingIsLeftAfterTheWaitAndTheRunFallsBack() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      long begun = System.nanoTime();
      Process client =
          start(
              List.of("--", "/bin/true"),
              Map.of("SANDBOX4J_ENGINE_DEBUG", "1", "SANDBOX4J_ENGINE_WAIT_MS", "500"),
              null);
      try (Connection c = engine.accept(WAIT)) {
        assertThat(c.request().argStrings()).containsExactly("run", "--", "/bin/true");
        awaitExit(client);
      }
      long millis = (System.nanoTime() - begun) / 1_000_000;
      assertThat(client.exitValue()).isEqualTo(42);
      assertThat(record("run").engine()).isEqualTo("off");
      assertThat(Files.readString(dir.resolve("err")))
          .contains("the engine sent nothing within 500 ms");
      assertThat(millis).as("waited about 500 ms").isBetween(500L, 9_000L);
    }
  }

  @Test
  void inManualModeNoEngineIsStarted() throws Exception {
    Process client = start(List.of("x"), Map.of("SANDBOX4J_ENGINE", "manual"), null);
    awaitExit(client);
    assertThat(client.exitValue()).isEqualTo(42);
    assertThat(record("run").engine()).isEqualTo("off");
    Thread.sleep(1000);
    assertThat(records.resolve("engine")).doesNotExist();
  }

  @Test
  void aSocketDirectoryOthersCanReadIsNotUsed() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Files.setPosixFilePermissions(
          dir.resolve("sandbox4j"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Process client = start(List.of("x"), Map.of("SANDBOX4J_ENGINE_DEBUG", "1"), null);
      awaitExit(client);
      assertThat(client.exitValue()).isEqualTo(42);
      assertThat(record("run").engine()).isEqualTo("off");
      assertThat(engine.anyConnection()).as("the client connected").isFalse();
      assertThat(Files.readString(dir.resolve("err"))).contains("mode 0755");
      assertThat(records.resolve("engine")).doesNotExist();
    }
  }

  /**
   * A sandboxed command that can write the engine's directory (a writable root above it) and make
   * unix sockets (--net all) could put its own listener in the engine's place: the client would
   * then fork and exec whatever it asked for, outside any sandbox. Every sandboxed command runs
   * with no_new_privs, so an "engine" with it is not used. Here perl listens under setpriv.
   */
  @Test
  void anEngineWithNoNewPrivsIsNotUsed() throws Exception {
    Path setpriv = Path.of("/usr/bin/setpriv");
    Path perl = Path.of("/usr/bin/perl");
    Assumptions.assumeTrue(
        Files.isExecutable(setpriv) && Files.isExecutable(perl), "needs setpriv and perl");
    Path engineDir = Files.createDirectory(dir.resolve("sandbox4j"));
    Files.setPosixFilePermissions(engineDir, PosixFilePermissions.fromString("rwx------"));
    Path socket = engineDir.resolve(FakeEngine.socketName(script));
    String listener =
        "use Socket; socket(my $l, PF_UNIX, SOCK_STREAM, 0) or die \"socket: $!\";"
            + " bind($l, pack_sockaddr_un($ARGV[0])) or die \"bind: $!\"; listen($l, 5) or die;"
            + " accept(my $c, $l) or die \"accept: $!\"; my $n = sysread($c, my $b, 1);"
            + " print(($n ? 'type ' . ord($b) : 'closed'));";
    Process fake =
        new ProcessBuilder(
                setpriv.toString(),
                "--no-new-privs",
                perl.toString(),
                "-e",
                listener,
                socket.toString())
            .redirectErrorStream(true)
            .start();
    strays.add(fake.pid());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(socket) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    Process client = start(List.of("x"), Map.of("SANDBOX4J_ENGINE_DEBUG", "1"), null);
    awaitExit(client);
    assertThat(fake.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(new String(fake.getInputStream().readAllBytes(), UTF_8))
        .as("what the client sent")
        .isEqualTo("closed");
    assertThat(client.exitValue()).isEqualTo(42);
    assertThat(record("run").engine()).isEqualTo("off");
    assertThat(Files.readString(dir.resolve("err"))).contains("no_new_privs");
  }

  /**
   * The engine takes $XDG_RUNTIME_DIR only when it is a directory itself, not a link to one (and
   * then uses the cache): the client must look where the engine listens, or it never finds it and
   * starts a JVM in the background on every run.
   */
  @Test
  void aRuntimeDirectoryThatIsALinkMeansTheCacheAsForTheEngine() throws Exception {
    Path real = Files.createDirectory(dir.resolve("rt"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(dir.resolve("rl"), real);
    Path cache = Files.createDirectory(dir.resolve("c"));
    Assumptions.assumeTrue(
        cache.toString().length() + "/sandbox4j/engine/engine-0123456789abcdef.sock".length() < 107,
        "the build directory's path is too long for a unix socket address (the JDK binds 106"
            + " bytes at most)");
    try (FakeEngine engine = new FakeEngine(script, cache.resolve("sandbox4j").resolve("engine"))) {
      Process client =
          start(
              List.of("x"),
              Map.of(
                  "XDG_RUNTIME_DIR", link.toString(),
                  "XDG_CACHE_HOME", cache.toString(),
                  "SANDBOX4J_ENGINE", "manual"),
              null);
      try (Connection c = engine.accept(WAIT)) {
        assertThat(c.request().argStrings()).containsExactly("run", "x");
        c.exit(3);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(3);
    }
  }

  @Test
  void anEngineRunningAsAnotherUserIsNotUsed() throws Exception {
    Assumptions.assumeTrue(
        ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0
            && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "needs root and setpriv to run the client as the user nobody (uid 65534)");
    // The client runs as nobody, in nobody's runtime directory; the engine listening there is
    // this (root) process. SO_PEERCRED tells the client, which falls back without a REQUEST.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path runtime = Files.createDirectory(dir.resolve("n")); // short: the socket path has 108 bytes
    try (FakeEngine engine = new FakeEngine(runtime, script)) {
      for (Path p : List.of(runtime, runtime.resolve("sandbox4j"), engine.socket(), records)) {
        Files.setAttribute(p, "unix:uid", 65534);
        Files.setAttribute(p, "unix:gid", 65534);
      }
      Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
      List<String> command =
          List.of(
              "/usr/bin/setpriv",
              "--reuid=65534",
              "--regid=65534",
              "--clear-groups",
              CLIENT.toString(),
              script,
              "run",
              "x");
      Process client =
          startRaw(
              command,
              Map.of("XDG_RUNTIME_DIR", runtime.toString(), "SANDBOX4J_ENGINE_DEBUG", "1"));
      try (Connection c = engine.accept(WAIT)) {
        assertThat(c.read(WAIT)).as("what the client sent").isNull();
      }
      awaitExit(client);
      assertThat(client.exitValue()).isEqualTo(42);
      assertThat(record("run").engine()).isEqualTo("off");
      assertThat(Files.readString(dir.resolve("err"))).contains("runs as uid 0, not as this user");
    }
  }

  @Test
  void whenTheEngineEndsMidRunTheChildIsKilledAndTheClientExits125() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      long child;
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of("/bin/sleep", "60"), List.of(), 0, 0, 0);
        child = c.readUntil(FakeEngine.STARTED, new ArrayList<>(), WAIT).i32(0);
        strays.add(child);
      }
      awaitExit(client);
      assertThat(client.exitValue()).isEqualTo(125);
      assertThat(Files.readString(dir.resolve("err")))
          .contains("the sandbox4j engine ended before the run finished; the command was stopped");
      assertGone(child);
    }
  }

  @Test
  void sigtermIsForwardedToTheChildAndReportedToTheEngine() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(
            List.of(
                "/bin/sh",
                "-c",
                "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.05; done"),
            PATH_ONLY,
            0,
            1,
            0);
        List<Frame> seen = new ArrayList<>();
        c.readUntil(FakeEngine.OUTPUT, seen, WAIT);
        client.destroy(); // SIGTERM
        assertThat(c.readUntil(FakeEngine.SIGNAL, seen, WAIT).u8(0)).isEqualTo(15);
        assertThat(c.readUntil(FakeEngine.EXITED, seen, WAIT).i32(0)).isEqualTo(3);
        assertThat(outputOf(seen, 1)).isEqualTo("ready\ngot-term\n");
        c.exit(143);
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(143);
    }
  }

  @Test
  void withoutAnExitWithinFiveSecondsOfASignalTheClientKillsTheChildAndExits() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        // The child ignores SIGTERM: only the client's SIGKILL ends it.
        c.spawn(
            List.of("/bin/sh", "-c", "trap '' TERM; echo ready; exec sleep 60"),
            PATH_ONLY,
            0,
            1,
            0);
        List<Frame> seen = new ArrayList<>();
        long child = c.readUntil(FakeEngine.STARTED, seen, WAIT).i32(0);
        strays.add(child);
        c.readUntil(FakeEngine.OUTPUT, seen, WAIT);
        long t0 = System.nanoTime();
        client.destroy();
        c.readUntil(FakeEngine.SIGNAL, seen, WAIT);
        awaitExit(client);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(4500));
        assertThat(client.exitValue()).isEqualTo(143);
        assertGone(child);
      }
    }
  }

  @Test
  void aKilledClientIsSeenAsEndOfFileByTheEngine() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.spawn(List.of("/bin/sleep", "60"), List.of(), 0, 0, 0);
        strays.add((long) c.readUntil(FakeEngine.STARTED, new ArrayList<>(), WAIT).i32(0));
        client.destroyForcibly();
        assertThat(c.read(WAIT)).as("end of file").isNull();
      }
    }
  }

  @Test
  void anOversizeFrameAfterTheRunBeganIsAProtocolError() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of(), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        c.write(1, "begun\n");
        c.sendRaw(ByteBuffer.allocate(5).put((byte) FakeEngine.WRITE).putInt(16777217).flip());
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(125);
      assertThat(Files.readString(dir.resolve("out"))).isEqualTo("begun\n");
      assertThat(Files.readString(dir.resolve("err")))
          .contains("sandbox: engine protocol error: frame length 16777217");
      assertThat(records.resolve("run")).doesNotExist();
    }
  }

  @Test
  void aBadFrameBeforeTheRunBeganFallsBack() throws Exception {
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      Process client = start(List.of("x"), Map.of("SANDBOX4J_ENGINE_DEBUG", "1"), null);
      try (Connection c = engine.accept(WAIT)) {
        c.request();
        // A SPAWN whose argument list claims more entries than the payload holds.
        c.send(FakeEngine.SPAWN, FakeEngine.payload(out -> out.writeInt(1000)));
        awaitExit(client);
      }
      assertThat(client.exitValue()).isEqualTo(42);
      assertThat(record("run").engine()).isEqualTo("off");
      assertThat(Files.readString(dir.resolve("err"))).contains("malformed SPAWN");
    }
  }

  @Test
  void randomFramesNeverCrashTheClient() throws Exception {
    // Seeded, so a failure reproduces. Every frame type the engine may send but EXIT (whose code
    // would be indistinguishable), plus unknown ones; payloads either random bytes or small
    // random fields (counts and lengths that are sometimes plausible). The client must end with
    // a fallback (42, the recording script) or 125, never killed by a signal.
    Random random = new Random(16);
    int[] types = {
      FakeEngine.SPAWN,
      FakeEngine.INPUT,
      FakeEngine.INPUT_EOF,
      FakeEngine.KILL,
      FakeEngine.WRITE,
      FakeEngine.FALLBACK,
      0x00,
      0x14,
      0x7f,
      0xff
    };
    try (FakeEngine engine = new FakeEngine(dir, script)) {
      for (int run = 0; run < 100; run++) {
        Process client = start(List.of("x"), Map.of(), null);
        try (Connection c = engine.accept(WAIT)) {
          c.request();
          for (int n = 1 + random.nextInt(4); n > 0; n--) {
            byte[] payload = new byte[random.nextInt(48)];
            if (random.nextBoolean()) {
              random.nextBytes(payload);
            } else {
              for (int i = 0; i < payload.length; i++) {
                payload[i] = (byte) (i % 4 == 3 ? random.nextInt(4) : 0);
              }
            }
            try {
              c.send(types[random.nextInt(types.length)], payload);
            } catch (UncheckedIOException e) {
              break; // the client already gave up on this connection
            }
          }
        }
        awaitExit(client);
        assertThat(client.exitValue()).as("exit of run %d", run).isIn(42, 125);
        Files.deleteIfExists(records.resolve("run"));
      }
    }
  }

  // ---- helpers ----

  private static void awaitExit(Process client) throws InterruptedException {
    assertThat(client.waitFor(10, TimeUnit.SECONDS)).as("the client ended").isTrue();
  }

  private static void assertGone(long pid) {
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
        .as("process %d is alive", pid)
        .isNotEqualTo(Optional.of(true));
  }

  private record Invocation(String engine, String stdin, List<byte[]> args) {}

  private Invocation record(String name) throws IOException {
    byte[] b = Files.readAllBytes(records.resolve(name));
    int nl1 = indexOf(b, (byte) '\n', 0);
    int nl2 = indexOf(b, (byte) '\n', nl1 + 1);
    List<byte[]> args = new ArrayList<>();
    for (int i = nl2 + 1, z; i < b.length; i = z + 1) {
      z = indexOf(b, (byte) 0, i);
      args.add(Arrays.copyOfRange(b, i, z));
    }
    return new Invocation(
        new String(b, 0, nl1, UTF_8), new String(b, nl1 + 1, nl2 - nl1 - 1, UTF_8), args);
  }

  private Invocation awaitRecord(String name) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.exists(records.resolve(name)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return record(name);
  }

  private static int indexOf(byte[] b, byte v, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    throw new AssertionError("malformed record");
  }

  private static String outputOf(List<Frame> frames, int stream) {
    StringBuilder s = new StringBuilder();
    for (Frame f : frames) {
      if (f.type() == FakeEngine.OUTPUT && f.u8(0) == stream) {
        s.append(f.text());
      }
    }
    return s.toString();
  }

  /** Runs the client as the script would: CLIENT SCRIPT run ARGS... */
  private Process start(List<String> args, Map<String, String> env, File stdin) throws IOException {
    List<String> command = new ArrayList<>(List.of(CLIENT.toString(), script, "run"));
    command.addAll(args);
    ProcessBuilder pb = builder(command, env);
    pb.redirectInput(stdin != null ? stdin : new File("/dev/null"));
    return pb.start();
  }

  private Process startRaw(List<String> command, Map<String, String> env) throws IOException {
    return builder(command, env).redirectInput(new File("/dev/null")).start();
  }

  private ProcessBuilder builder(List<String> command, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().remove("SANDBOX4J_ENGINE");
    pb.environment().remove("SANDBOX4J_ENGINE_DEBUG");
    pb.environment().put("XDG_RUNTIME_DIR", dir.toString());
    pb.environment().put("RECORD_DIR", records.toString());
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve("out").toFile());
    pb.redirectError(dir.resolve("err").toFile());
    return pb;
  }
}
