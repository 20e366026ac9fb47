package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Every isolator of the backend for real: real commands, real namespaces, no kernel fakes. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs or plans the Linux namespaces backend (Linux paths, mounts, the native launcher)")
class NamespacesEndToEndTest {
  @TempDir Path tmp;
  Path ws;

  @BeforeAll
  static void namespacesWork() {
    Assumptions.assumeTrue(Sandbox.available(), Sandbox::why);
  }

  @BeforeEach
  void workspace() throws Exception {
    ws = Files.createDirectory(tmp.resolve("ws"));
  }

  SandboxPolicy.Builder policy() {
    return SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of());
  }

  @Test
  void noCapabilitiesAndNoNewPrivsEvenAsRoot() throws Exception {
    Sandbox.Result r =
        Sandbox.run(
            policy().build(), "grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status");
    assertThat(r.out())
        .contains("CapEff:\t0000000000000000")
        .contains("CapPrm:\t0000000000000000")
        .contains("CapBnd:\t0000000000000000")
        .contains("NoNewPrivs:\t1");
  }

  @Test
  void defaultCredentialStoresOfTheHomeAreUnreadable() throws Exception {
    Path home =
        Files.createDirectories(Path.of("target/s4j-home-" + System.nanoTime()).toAbsolutePath());
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), "PRIVATE-KEY");
    Files.writeString(home.resolve(".netrc"), "machine x password NETRC-SECRET");
    Files.writeString(home.resolve("notes.txt"), "readable");
    // No private /tmp here: the checkout (and so this home) may itself lie beneath /tmp.
    SandboxPolicy p =
        SandboxPolicy.builder(ws)
            .denyCredentialStores(true, Map.of("HOME", home.toString()))
            .privateHome(false)
            .privateTmp(false)
            .build();
    Sandbox.Result r =
        Sandbox.run(
            p, "cd " + home + " && cat .ssh/id_ed25519 .netrc notes.txt; ls -a .ssh; echo done");
    assertThat(r.out()).contains("readable").contains("done");
    assertThat(r.out()).doesNotContain("PRIVATE-KEY").doesNotContain("NETRC-SECRET");
    assertThat(r.out()).doesNotContain("id_ed25519");
  }

  @Test
  void aPrivateHomeShowsOnlyItsGrantsAndKeepsTheDenyListBeneathThem() throws Exception {
    Path home =
        Files.createDirectories(Path.of("target/s4j-home-" + System.nanoTime()).toAbsolutePath());
    Files.writeString(home.resolve(".bash_history"), "HISTORY-SECRET");
    Files.createDirectories(home.resolve(".m2/repository"));
    Files.writeString(home.resolve(".m2/settings.xml"), "granted-settings");
    Files.writeString(home.resolve(".m2/settings-security.xml"), "MASTER-SECRET");
    Files.createDirectories(home.resolve(".config"));
    Files.createSymbolicLink(home.resolve(".config/out"), Path.of("/etc"));
    Path pointingIn = Files.createSymbolicLink(tmp.resolve("in"), home);
    SandboxPolicy p =
        SandboxPolicy.builder(ws)
            .denyCredentialStores(true, Map.of("HOME", home.toString()))
            .grantRead(home.resolve(".m2"))
            .privateTmp(false)
            .build();
    Sandbox.Result r =
        Sandbox.run(
            p,
            "cd "
                + home
                + " && ls -A; cat .bash_history .m2/settings.xml .m2/settings-security.xml;"
                + " cat "
                + pointingIn
                + "/.bash_history; ls .config; echo x > .m2/new && echo wrote; echo done");
    assertThat(r.out()).contains("granted-settings").contains("done").contains(".m2");
    assertThat(r.out())
        .doesNotContain("HISTORY-SECRET")
        .doesNotContain("MASTER-SECRET")
        .doesNotContain(".bash_history")
        .doesNotContain("wrote")
        .doesNotContain(".config");
    assertThat(home.resolve(".m2/new")).doesNotExist();
  }

  @Test
  void exitCodesAndSignalsPassThroughTheInit() throws Exception {
    assertThat(Sandbox.run(policy().build(), "exit 7").exit()).isEqualTo(7);
    assertThat(Sandbox.run(policy().build(), "kill -TERM $$").exit()).isEqualTo(143);
    assertThat(Sandbox.run(policy().build(), "exec no-such-cmd-s4j").exit()).isEqualTo(127);
  }

  @Test
  void theCommandSeesOnlyItsOwnProcessesAndCannotSignalTheCaller() throws Exception {
    long jvm = ProcessHandle.current().pid();
    Sandbox.Result r =
        Sandbox.run(
            policy().build(),
            "ls /proc | grep -cE '^[0-9]+$'; kill -0 " + jvm + " 2>/dev/null; echo kill=$?");
    assertThat(Integer.parseInt(r.out().lines().findFirst().orElseThrow())).isLessThan(5);
    assertThat(r.out()).contains("kill=1");
  }

  @Test
  void processIsolatorClaimsNewSessionOnlyWithoutLegacyTiocsti() throws Exception {
    String sysctl = Files.readString(Path.of("/proc/sys/dev/tty/legacy_tiocsti")).strip();
    assertThat(Sandbox.isolator("process").features().contains(Feature.PROC_NEW_SESSION))
        .isEqualTo(sysctl.equals("0"));
  }

  @Test
  void setsidDoubleForkedSleepIsGoneAfterTheRun() throws Exception {
    Path pidFile = ws.resolve("pid");
    Sandbox.Result r =
        Sandbox.run(
            policy().build(),
            "setsid sh -c 'sleep 300 & echo $! > pid' </dev/null >/dev/null 2>&1; sleep 0.2;"
                + " grep -l '^sleep' /proc/[0-9]*/comm | cut -d/ -f3 | head -1 > hostpid");
    assertThat(r.exit()).isZero();
    // the pid inside the namespace differs from the host's; find the host pid by the ns pid
    assertThat(Files.readString(pidFile).strip()).isNotEmpty();
    assertThat(hostSleeps()).isEmpty();
  }

  /** sleep processes whose ancestry reaches a launcher started by this JVM. */
  private static List<ProcessHandle> hostSleeps() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().command().orElse("").endsWith("sleep"))
        .toList();
  }

  @Test
  void killTreeKillsSetsidDoubleForkedDescendants() throws Exception {
    SandboxProcess p =
        Sandbox.LAUNCHER.launch(
            Sandbox.spec(
                policy().build(), "setsid sh -c 'sleep 300 & echo started' </dev/null; sleep 300"));
    BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout()));
    assertThat(out.readLine()).isEqualTo("started");
    List<Long> sleeps = List.of();
    for (int i = 0; i < 150 && sleeps.size() < 2; i++) {
      Thread.sleep(20);
      sleeps = sleepsBeneath(p.pid());
    }
    assertThat(sleeps).hasSize(2);
    p.killTree();
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    for (long pid : sleeps) {
      assertThat(Sandbox.goneWithin(pid, 3000)).as("sleep %d is gone", pid).isTrue();
    }
  }

  @Test
  void killingOnlyTheLauncherTakesThePidNamespaceWithIt() throws Exception {
    SandboxProcess p =
        Sandbox.LAUNCHER.launch(
            Sandbox.spec(
                policy().build(), "setsid sh -c 'sleep 300 & echo started' </dev/null; sleep 300"));
    BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout()));
    assertThat(out.readLine()).isEqualTo("started");
    List<Long> sleeps = List.of();
    for (int i = 0; i < 150 && sleeps.size() < 2; i++) {
      Thread.sleep(20);
      sleeps = sleepsBeneath(p.pid());
    }
    assertThat(sleeps).hasSize(2);
    // SIGKILL to the supervisor alone: its init child has PDEATHSIG, the namespace dies with it
    ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
    assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
    for (long pid : sleeps) {
      assertThat(Sandbox.goneWithin(pid, 3000)).as("sleep %d is gone", pid).isTrue();
    }
  }

  private static List<Long> sleepsBeneath(long pid) {
    return ProcessHandle.of(pid)
        .orElseThrow()
        .descendants()
        .filter(h -> h.info().command().orElse("").endsWith("sleep"))
        .map(ProcessHandle::pid)
        .toList();
  }

  @Test
  void privateTmpHidesTheHostsTmpButKeepsTheWorkspace() throws Exception {
    Path hostFile = Files.createTempFile(Path.of("/tmp"), "s4j-host", ".txt");
    try {
      String name = "s4j-inside-" + System.nanoTime();
      Sandbox.Result r =
          Sandbox.run(
              policy().build(),
              "ls "
                  + hostFile
                  + " 2>/dev/null; echo ls=$?; echo x > /tmp/"
                  + name
                  + " && echo wrote; echo ok > inws && cat inws");
      assertThat(r.out()).contains("ls=2").contains("wrote").contains("ok");
      assertThat(Path.of("/tmp", name)).doesNotExist();
      assertThat(ws.resolve("inws")).hasContent("ok");
    } finally {
      Files.deleteIfExists(hostFile);
    }
  }

  @Test
  void protectedGitHooksAndConfigAreReadOnlyAndGitCannotBeReplanted() throws Exception {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Sandbox.Result r =
        Sandbox.run(
            policy().build(),
            "echo evil > .git/hooks/pre-commit; echo hook=$?;"
                + " echo evil >> .git/config; echo config=$?;"
                + " mv .git .git2; echo mv=$?;"
                + " mv .git/hooks .git/h2; echo mvhooks=$?;"
                + " rm -rf .git/hooks; mkdir -p x/.git/hooks && echo evil > x/.git/hooks/pre-commit;"
                + " rm -f .git/config; mv -T x/.git .git; echo plant=$?;"
                + " echo fine > .git/HEAD; echo head=$?");
    assertThat(r.out())
        .doesNotContain("hook=0")
        .doesNotContain("config=0")
        .doesNotContain("mv=0")
        .doesNotContain("mvhooks=0")
        .doesNotContain("plant=0")
        .contains("head=0");
    assertThat(ws.resolve(".git/hooks/pre-commit")).doesNotExist();
    assertThat(ws.resolve(".git/config")).hasContent("[core]\n");
    assertThat(ws.resolve(".git2")).doesNotExist();
  }

  /** A scratch directory beneath target/: outside /tmp, which the sandbox replaces. */
  private static Path scratch(String name) throws Exception {
    return Files.createDirectories(
        Path.of("target/" + name + "-" + System.nanoTime()).toAbsolutePath());
  }

  private static List<String> names(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int host(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(List.of(command) + " did not end within 30 s");
    }
    return p.exitValue();
  }

  private static void assumeGit() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")), "git is not installed");
  }

  @Test
  void missingProtectedPathsLeaveNothingBehindAndGitInitStillWorksOnTheHost() throws Exception {
    assumeGit();
    Sandbox.Result r = Sandbox.run(policy().denyWrite(ws.resolve("notyet.txt")).build(), "true");
    assertThat(r.exit()).isZero();
    assertThat(names(ws)).as("no placeholder left in the workspace").isEmpty();
    assertThat(host(ws, "git", "init", "-q", ".")).isZero();
    assertThat(ws.resolve(".git/config")).isRegularFile();
  }

  @Test
  void whatTheCommandCreatesAtMissingProtectedPathsIsMovedAsideAfterTheRun() throws Exception {
    assumeGit();
    Sandbox.Result r =
        Sandbox.run(
            policy().denyWrite(ws.resolve("notyet.txt")).build(),
            "git init -q . && echo init=$?; echo x > notyet.txt; mkdir -p .sandbox4j/p;"
                + " ls -a .git | tr '\\n' ' '");
    assertThat(r.out()).contains("init=0").contains("hooks").contains("config");
    List<String> after = names(ws);
    assertThat(after).doesNotContain("notyet.txt", ".sandbox4j").hasSize(3);
    assertThat(after).anyMatch(n -> n.startsWith("notyet.txt.sandbox4j-quarantine-"));
    assertThat(after).anyMatch(n -> n.startsWith(".sandbox4j.sandbox4j-quarantine-"));
    // beneath .git the engine's git sweep (sandbox-core) judges what the command made
    assertThat(names(ws.resolve(".git"))).contains("hooks", "config");
  }

  @Test
  void existingCommondirAndConfigWorktreeAreReadOnlyButSubmoduleMetadataIsWritable()
      throws Exception {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Files.createDirectories(ws.resolve(".git/modules/sub/hooks"));
    Files.writeString(ws.resolve(".git/modules/sub/config"), "[core]\n");
    Files.writeString(ws.resolve(".git/commondir"), ".\n");
    Files.writeString(ws.resolve(".git/config.worktree"), "");
    Sandbox.Result r =
        Sandbox.run(
            policy().build(),
            "echo . > .git/commondir; echo cd=$?;"
                + " echo x >> .git/config.worktree; echo cw=$?;"
                + " echo x >> .git/modules/sub/config; echo modcfg=$?;"
                + " echo ok > .git/description; echo d=$?");
    assertThat(r.out())
        .doesNotContain("cd=0")
        .doesNotContain("cw=0")
        .contains("modcfg=0") // git submodule update writes there; the engine's sweep judges it
        .contains("d=0");
  }

  @Test
  void gitCommitsStillWorkInsideTheWorkspace() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/git")), "git is not installed");
    new ProcessBuilder("git", "init", "-q", ws.toString()).inheritIO().start().waitFor();
    Sandbox.Result r =
        Sandbox.run(
            policy().build(),
            "echo hi > f && git add f && git -c user.name=t -c user.email=t@e commit -qm one"
                + " && git log --oneline | wc -l");
    assertThat(r.err()).isEmpty();
    assertThat(r.out().strip()).isEqualTo("1");
  }

  @Test
  void deniedFileIsUnreadableAlsoThroughASymlink() throws Exception {
    Path secrets =
        Files.createDirectories(
            Path.of("target/s4j-secrets-" + System.nanoTime()).toAbsolutePath());
    Path secret = Files.writeString(secrets.resolve("token"), "s3cret");
    Path secretDir = Files.createDirectories(secrets.resolve("dir"));
    Files.writeString(secretDir.resolve("key"), "k3y");
    Files.createSymbolicLink(ws.resolve("link"), secret);
    SandboxPolicy p = policy().privateTmp(false).denyRead(secret).denyRead(secretDir).build();
    Sandbox.Result r =
        Sandbox.run(p, "cat " + secret + "; cat link; cat " + secretDir + "/key; ls " + secretDir);
    assertThat(r.out()).doesNotContain("s3cret").doesNotContain("k3y");
  }

  @Test
  void noNetworkToALoopbackListenerOfTheHost() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      String script =
          "timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
              + server.getLocalPort()
              + "' 2>/dev/null; echo tcp=$?; cat /proc/net/dev | tail -n +3 | cut -d: -f1";
      Sandbox.Result r = Sandbox.run(policy().build(), script);
      assertThat(r.out().lines().map(String::strip)).containsExactly("tcp=1", "lo");
    }
  }

  private static void assumePython() {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 missing");
  }

  @Test
  void hostPathnameUnixSocketIsMaskedAndRefused() throws Exception {
    assumePython();
    Path dir = scratch("s4j-sock");
    Path sock = dir.resolve("agent.sock");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(sock));
      String py =
          "import socket,sys\n"
              + "try:\n s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')\n"
              + "except OSError as e: print('refused', e.errno)\n";
      Files.writeString(ws.resolve("c.py"), py);
      Sandbox.Result r =
          Sandbox.run(
              policy().privateTmp(false).build(),
              "python3 c.py " + sock + "; test -S " + sock + " && echo socket-visible");
      assertThat(r.out()).startsWith("refused").doesNotContain("socket-visible");
    } finally {
      Files.deleteIfExists(sock);
    }
  }

  @Test
  void unixAndVsockSocketsAndDatagramPairsCannotBeCreatedButLoopbackTcpAndStreamPairsWork()
      throws Exception {
    assumePython();
    String py =
        "import socket, threading\n"
            + "def make(*a):\n"
            + "    try:\n        socket.socket(*a).close(); return 'ok'\n"
            + "    except OSError as e:\n        return 'errno%d' % e.errno\n"
            + "print('unix', make(socket.AF_UNIX, socket.SOCK_STREAM))\n"
            + "print('unixdgram', make(socket.AF_UNIX, socket.SOCK_DGRAM))\n"
            + "print('vsock', make(40, socket.SOCK_STREAM))\n"
            + "srv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)\n"
            + "def serve():\n"
            + "    c, _ = srv.accept(); c.sendall(c.recv(16).upper()); c.close()\n"
            + "t = threading.Thread(target=serve); t.start()\n"
            + "c = socket.create_connection(srv.getsockname(), timeout=5)\n"
            + "c.sendall(b'ping'); print('tcp', c.recv(16).decode()); t.join(5)\n"
            + "a, b = socket.socketpair(); a.sendall(b'x'); print('pair', b.recv(1).decode())\n"
            + "try:\n"
            + "    socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); print('dgrampair ok')\n"
            + "except OSError as e:\n    print('dgrampair errno%d' % e.errno)\n"
            + "try:\n"
            + "    socket.socketpair(socket.AF_UNIX, socket.SOCK_RAW | socket.SOCK_CLOEXEC)\n"
            + "    print('rawpair ok')\n"
            + "except OSError as e:\n    print('rawpair errno%d' % e.errno)\n"
            + "socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET | socket.SOCK_NONBLOCK)\n"
            + "print('seqpacketpair ok')\n";
    Files.writeString(ws.resolve("s.py"), py);
    Sandbox.Result r = Sandbox.run(policy().build(), "python3 s.py");
    assertThat(r.out().lines())
        .containsExactly(
            "unix errno97",
            "unixdgram errno97",
            "vsock errno97",
            "tcp PING",
            "pair x",
            "dgrampair errno97",
            "rawpair errno97",
            "seqpacketpair ok");
  }

  @Test
  void aHostUnixSocketBoundAfterLaunchIsNotReachable() throws Exception {
    assumePython();
    Path dir = scratch("s4j-late");
    Path sock = dir.resolve("late.sock");
    String py =
        "import os, socket, sys, time\n"
            + "print('ready', flush=True)\n"
            + "for _ in range(200):\n"
            + "    if os.path.exists('go'): break\n"
            + "    time.sleep(0.05)\n"
            + "try:\n"
            + "    s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])\n"
            + "    print('connected', s.recv(16).decode())\n"
            + "except OSError as e:\n    print('refused', e.errno)\n";
    Files.writeString(ws.resolve("late.py"), py);
    LaunchSpec spec = Sandbox.spec(policy().privateTmp(false).build(), "python3 late.py " + sock);
    SandboxProcess p = Sandbox.LAUNCHER.launch(spec);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      p.stdin().close();
      BufferedReader out = new BufferedReader(new InputStreamReader(p.stdout()));
      assertThat(out.readLine()).isEqualTo("ready");
      server.bind(UnixDomainSocketAddress.of(sock));
      server.configureBlocking(false);
      Files.writeString(ws.resolve("go"), "");
      Future<String> answer =
          Executors.newSingleThreadExecutor(
                  r -> {
                    Thread t = new Thread(r);
                    t.setDaemon(true);
                    return t;
                  })
              .submit(out::readLine);
      // serve a connection should one arrive, so a leak shows as 'connected secret'
      String line = null;
      for (int i = 0; i < 200 && line == null; i++) {
        var c = server.accept();
        if (c != null) {
          c.write(java.nio.ByteBuffer.wrap("secret".getBytes(StandardCharsets.UTF_8)));
          c.close();
        }
        if (answer.isDone()) {
          line = answer.get();
        }
        Thread.sleep(50);
      }
      assertThat(line).isEqualTo("refused 97");
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.killTree();
      spec.runCleanups();
      Files.deleteIfExists(sock);
    }
  }

  @Test
  void forkLoopIsStoppedByTheProcessLimit() throws Exception {
    Assumptions.assumeTrue(
        Sandbox.isolator("resources").features().contains(Feature.RES_MAX_PROCS),
        () -> Sandbox.isolator("resources").probe().detail());
    SandboxPolicy p = policy().resources(ResourceLimits.NONE.withMaxProcesses(10)).build();
    Sandbox.Result r =
        Sandbox.run(p, "i=0; while [ $i -lt 50 ]; do sleep 5 & i=$((i+1)); echo $i > count; done");
    assertThat(r.exit()).isNotZero();
    int started = Integer.parseInt(Files.readString(ws.resolve("count")).strip());
    // the shell itself is one of the 10
    assertThat(started).isBetween(5, 9);
  }

  @Test
  void theWorkspaceCannotBeRenamedAwayAndReplanted() throws Exception {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Sandbox.Result r =
        Sandbox.run(
            policy().privateTmp(false).build(),
            "cd /; mv "
                + tmp
                + " "
                + tmp
                + ".moved; echo up=$?; mv "
                + ws
                + " "
                + ws
                + ".moved;"
                + " echo ws=$?");
    assertThat(r.out()).contains("up=1").contains("ws=1");
    assertThat(ws.resolve(".git/hooks")).isDirectory();
  }

  @Test
  void memoryAndCpuTimeLimits() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "python3 missing");
    SandboxPolicy mem = policy().resources(ResourceLimits.NONE.withMemoryBytes(256L << 20)).build();
    Sandbox.Result r =
        Sandbox.run(mem, "python3 -c 'b = bytearray(512 * 1024 * 1024)'; echo rc=$?");
    assertThat(r.out()).contains("rc=1");
    assertThat(r.err()).contains("MemoryError");
    SandboxPolicy cpu =
        policy()
            .resources(ResourceLimits.NONE.withCpuTime(java.time.Duration.ofSeconds(1)))
            .build();
    long t = System.nanoTime();
    Sandbox.Result spin = Sandbox.run(cpu, "while :; do :; done");
    assertThat(spin.exit()).isIn(128 + 9, 128 + 24); // soft = hard: SIGKILL (or SIGXCPU)
    assertThat(System.nanoTime() - t).isLessThan(TimeUnit.SECONDS.toNanos(10));
  }

  @Test
  void fileSizeAndOpenFileLimits() throws Exception {
    SandboxPolicy p =
        policy()
            .resources(ResourceLimits.NONE.withMaxFileSizeBytes(1 << 20).withMaxOpenFiles(20))
            .build();
    Sandbox.Result r = Sandbox.run(p, "ulimit -n; head -c 3000000 /dev/zero > big; echo rc=$?");
    assertThat(r.out()).startsWith("20").doesNotContain("rc=0");
    assertThat(Files.size(ws.resolve("big"))).isLessThanOrEqualTo(1 << 20);
  }

  @Test
  void severalSandboxesInParallel() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Sandbox.Result>> futures = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () ->
                    Sandbox.run(
                        policy().build(),
                        "echo " + n + " > /tmp/x; cat /tp/x 2>/dev/null; cat /tmp/x; exit " + n)));
      }
      for (int i = 0; i < 12; i++) {
        Sandbox.Result r = futures.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).isEqualTo(i);
        assertThat(r.out().strip()).isEqualTo(String.valueOf(i));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
