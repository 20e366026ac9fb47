package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.PROC_ISOLATION;
import static io.sandbox4j.api.Feature.PROC_NEW_SESSION;
import static io.sandbox4j.api.Feature.PROC_NO_PRIVILEGES;
import static io.sandbox4j.api.Feature.PROC_TREE_KILL;
import static io.sandbox4j.api.Feature.RES_TIMEOUT;
import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.testkit.HostProcesses.HostProcess;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Process scenarios: escaping the tree, reaching host processes, the terminal, privileges. */
final class ProcessScenarios implements ScenarioGroup {
  /** How long a process escaping the run may take to die before it counts as escaped. */
  static final Duration DEATH_GRACE = Duration.ofMillis(1500);

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, PROC_TREE_KILL)
        .row(
            "setsidOrphanDoesNotOutliveRun",
            "the command starts a setsid'd background loop and exits at once",
            ctx ->
                noSurvivors(
                    ctx,
                    ctx.run(
                        ctx.sh(
                            "setsid sh -c 'while :; do sleep 1; done' \"$0-orphan\""
                                + " </dev/null >/dev/null 2>&1 & exit 0"))))
        .row(
            "killingTheSupervisorFreesNoOrphan",
            "the command starts a setsid'd background loop, then SIGKILLs its parent (the"
                + " launcher that reaps orphans, without a pid namespace) and exits",
            ProcessScenarios::killingTheSupervisorFreesNoOrphan)
        .judging(ANY, PROC_TREE_KILL)
        .row(
            "probeOrphanDoesNotOutliveRun",
            "a JVM program starts a child JVM and exits without waiting for it",
            ctx -> {
              SandboxResult r = ctx.run(ctx.probe("spawn-orphan", ctx.token(), "30"));
              // The child JVM needs a moment to exist at all; give it that before judging.
              Thread.sleep(300);
              noSurvivors(ctx, r);
            })
        .judging(LINUX, PROC_TREE_KILL, RES_TIMEOUT)
        .row(
            "daemonDoesNotOutliveTimeout",
            "the command double-forks a daemon and hangs; the 1 s timeout must kill both",
            ctx -> {
              List<String> daemon =
                  ctx.sh(
                      "(setsid sh -c 'while :; do sleep 1; done' \"$0-daemon\" &)"
                          + " </dev/null >/dev/null 2>&1; sleep 30");
              noSurvivors(ctx, ResourceScenarios.endedByTimeout(ctx, 1, daemon, "the run"));
            })
        .judging(LINUX, PROC_ISOLATION)
        .row(
            "hostProcessCannotBeSignalled",
            "the command sends SIGSTOP and SIGTERM to a process the host started",
            ProcessScenarios::hostProcessCannotBeSignalled)
        .row(
            "hostProcessCannotBeTraced",
            "python attaches ptrace to a process the host started and holds it",
            ProcessScenarios::hostProcessCannotBeTraced)
        .row(
            "hostProcessProcFilesAreUnreadable",
            "the command reads /proc/PID/environ and an open, deleted file through"
                + " /proc/PID/fd of a host process",
            ProcessScenarios::hostProcessProcFilesAreUnreadable)
        .judging(LINUX, PROC_NEW_SESSION)
        .row(
            "commandRunsInNewSessionWithoutTerminal",
            "seen from the host, the command is in a session of its own with no controlling"
                + " terminal, so TIOCSTI cannot inject into the caller's terminal",
            ctx -> {
              String mySession =
                  new HostProcess(ProcessHandle.current().pid(), "").stat(6).orElse("?");
              judgedFromTheHost(
                  ctx,
                  p -> {
                    String session = p.stat(6).orElse("?");
                    String tty = p.stat(7).orElse("?");
                    ctx.check(
                        !session.equals(mySession),
                        "the command shares the caller's session " + mySession);
                    ctx.check(
                        tty.equals("0"),
                        "the command has a controlling terminal (tty_nr " + tty + ")");
                  });
            })
        // Judges the session feature alone: its promise is that nothing reaches the caller's
        // terminal, and root's CAP_SYS_ADMIN (TIOCSTI on any terminal) is one way it could.
        .row(
            "terminalInjectionIsRefused",
            "with a terminal of the host as standard input, python pushes a command into its"
                + " input queue with TIOCSTI; the host reading that terminal must see nothing",
            ProcessScenarios::terminalInjectionIsRefused)
        .judging(LINUX, PROC_NO_PRIVILEGES)
        .row(
            "noCapabilitiesAndNoNewPrivileges",
            "seen from the host, the command holds no capabilities (CapEff, CapPrm, CapAmb 0)"
                + " and has no_new_privs set, even when the host runs as root",
            ctx ->
                judgedFromTheHost(
                    ctx,
                    p -> {
                      for (String cap : List.of("CapEff", "CapPrm", "CapAmb")) {
                        String v = p.status(cap).orElse("?");
                        ctx.check(
                            v.matches("0+"),
                            "the sandboxed command holds capabilities: " + cap + " " + v);
                      }
                      String nnp = p.status("NoNewPrivs").orElse("?");
                      ctx.check(nnp.equals("1"), "the sandboxed command has NoNewPrivs " + nnp);
                    }))
        .row(
            "setuidBinaryGainsNothing",
            "a setuid copy of touch owned by nobody writes into a directory only nobody may"
                + " write (as root); the host's setuid-root passwd runs with the caller's"
                + " effective uid (otherwise)",
            ProcessScenarios::setuidBinaryGainsNothing)
        .row(
            "nestedUserNamespaceGivesNoCapabilities",
            "the command creates a user namespace mapping itself to root",
            ProcessScenarios::nestedUserNamespaceGivesNoCapabilities)
        .row(
            "deviceNodeCannotBeCreated",
            "mknod of /dev/mem's device number inside the workspace",
            ctx -> {
              Path node = ctx.workspace().resolve("mem");
              SandboxResult r = ctx.run(ctx.sh("mknod mem c 1 1"));
              ctx.check(
                  !Files.exists(node, LinkOption.NOFOLLOW_LINKS),
                  "a character device node was created (" + excerpt(r) + ")");
            });
  }

  /**
   * Only a parent that is sandbox4j's launcher is attacked: a backend that starts the command as a
   * child of the JVM itself (a fake in the testkit's own tests) would otherwise lose its JVM.
   */
  private static void killingTheSupervisorFreesNoOrphan(ScenarioContext ctx) throws Exception {
    SandboxResult r =
        ctx.run(
            ctx.sh(
                "read -r p < /proc/$PPID/comm; case $p in sandbox4j-laun*) ;;"
                    + " *) echo \"parent:$p\"; exit 0;; esac;"
                    + " setsid sh -c 'while :; do sleep 1; done' \"$0-orphan\""
                    + " </dev/null >/dev/null 2>&1 & kill -9 $PPID; echo \"kill:$?\"; sleep 0.2"));
    if (r.stdoutText().startsWith("parent:")) {
      ctx.skip(
          "the command's parent is not sandbox4j's launcher ("
              + r.stdoutText().strip()
              + "), so there is no supervisor to attack");
    }
    noSurvivors(ctx, r);
  }

  private static void hostProcessCannotBeSignalled(ScenarioContext ctx) throws Exception {
    Process victim = hostVictim(ctx);
    SandboxResult r =
        ctx.run(
            ctx.sh(
                "kill -STOP \"$1\"; kill -TERM \"$1\"; kill -KILL \"$1\"",
                String.valueOf(victim.pid())));
    Thread.sleep(100);
    ctx.check(
        victim.isAlive(),
        "the host process "
            + victim.pid()
            + " was killed from inside the sandbox ("
            + excerpt(r)
            + ")");
    String state = new HostProcess(victim.pid(), "").stat(3).orElse("?");
    ctx.check(
        !state.equals("T"),
        "the host process " + victim.pid() + " was stopped from inside the sandbox");
  }

  private static void hostProcessCannotBeTraced(ScenarioContext ctx) throws Exception {
    ctx.requireTool("python3"); // skip before the host starts anything
    Process victim = hostVictim(ctx);
    HostProcess v = new HostProcess(victim.pid(), "");
    List<String> attach =
        ctx.python(
            "import ctypes,sys,time\n"
                + "libc=ctypes.CDLL(None,use_errno=True)\n"
                + "print(libc.ptrace(16,int(sys.argv[1]),0,0),flush=True)\n"
                + "time.sleep(1.5)\n",
            String.valueOf(victim.pid()));
    try (SandboxExecution ex = ctx.start(ctx.policy().build(), attach)) {
      ex.stdin().close();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
      String tracer = "0";
      while (System.nanoTime() < end && ex.isAlive() && tracer.equals("0")) {
        tracer = v.status("TracerPid").orElse("0");
        Thread.sleep(20);
      }
      ctx.check(
          tracer.equals("0"),
          "the host process "
              + victim.pid()
              + " was traced from inside the sandbox (TracerPid "
              + tracer
              + ")");
    }
    ctx.check(
        !v.stat(3).orElse("").equals("T") && !v.stat(3).orElse("").equals("t"),
        "the host process " + victim.pid() + " was left stopped by a tracer");
  }

  private static void hostProcessProcFilesAreUnreadable(ScenarioContext ctx) throws Exception {
    Path secretFile = Files.writeString(ctx.outside().resolve("held"), ctx.secret());
    ProcessBuilder pb =
        new ProcessBuilder(
            "/bin/sh",
            "-c",
            "exec 3<\"$1\"; rm -f \"$1\"; exec sleep 60",
            "victim",
            secretFile.toString());
    // Only the secret: a failure message must not carry the host's real environment.
    pb.environment().clear();
    pb.environment().put("HOST_SECRET", ctx.secret());
    Process victim = ctx.closeLater(new HostProcessHandle(pb.start())).process();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (Files.exists(secretFile) && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    SandboxResult r =
        ctx.run(
            ctx.sh(
                "cat /proc/$1/environ; cat /proc/$1/fd/3; cat /proc/$1/cmdline",
                String.valueOf(victim.pid())));
    FilesystemScenarios.noSecret(ctx, r);
  }

  private static void terminalInjectionIsRefused(ScenarioContext ctx) throws Exception {
    Path marker = ctx.outside().resolve("injected");
    List<String> terminalOnHost =
        ctx.python(
            "import os,pty,sys,time,select,tty\n"
                + "m,s=pty.openpty()\n"
                + "tty.setraw(s)\n"
                + "print(os.ttyname(s),flush=True)\n"
                + "buf=b''\n"
                + "end=time.time()+20\n"
                + "while time.time()<end:\n"
                + "  r,_,_=select.select([s],[],[],0.1)\n"
                + "  if r:\n"
                + "    buf+=os.read(s,256)\n"
                + "    open(sys.argv[1],'wb').write(buf)\n",
            marker.toString());
    HostTerminal terminal = HostTerminal.open(ctx, terminalOnHost);
    List<String> inject =
        ctx.python(
            "import fcntl,termios\n"
                + "for c in b'echo sbx4j-injected\\n':\n"
                + "  fcntl.ioctl(0,termios.TIOCSTI,bytes([c]))\n");
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().build(),
            inject,
            new Redirects(terminal.input(), Redirect.DISCARD, Redirect.DISCARD))) {
      ex.waitFor(Duration.ofSeconds(20));
    }
    Thread.sleep(200);
    ctx.check(
        !Files.exists(marker),
        "the host's terminal "
            + terminal.pts()
            + " received injected input: '"
            + ScenarioContext.content(marker).orElse("").strip()
            + "'");
  }

  private static void setuidBinaryGainsNothing(ScenarioContext ctx) throws Exception {
    if (!ctx.hostIsRoot()) {
      setuidRootProgramKeepsCallersUid(ctx);
      return;
    }
    Path touch = ctx.requireTool("touch");
    Path suid = ctx.workspace().resolve("suid-touch");
    Files.copy(touch, suid);
    Path dir = Files.createDirectories(ctx.workspace().resolve("nobody-only"));
    hostRun(ctx, "chown", "65534", suid.toString(), dir.toString());
    hostRun(ctx, "chmod", "4755", suid.toString());
    hostRun(ctx, "chmod", "0755", dir.toString());
    SandboxResult r = ctx.run(ctx.sh("./suid-touch nobody-only/pwned"));
    ctx.check(
        !Files.exists(dir.resolve("pwned")),
        "the setuid program wrote as its owner (" + excerpt(r) + ")");
  }

  /**
   * As an unprivileged caller no setuid file owned by someone else can be made, but the host has
   * them: passwd is setuid root and waits for the current password on standard input, long enough
   * to read its effective uid from outside. Were the setuid bit honoured, it would be 0.
   */
  private static void setuidRootProgramKeepsCallersUid(ScenarioContext ctx) throws Exception {
    Path passwd = Path.of("/usr/bin/passwd");
    ctx.assume(
        Files.isRegularFile(passwd)
            && Files.getAttribute(passwd, "unix:uid").equals(0)
            && (((Integer) Files.getAttribute(passwd, "unix:mode")) & 04000) != 0,
        "requires a setuid-root /usr/bin/passwd on the host when not run as root");
    String token = ctx.token() + "-suid";
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().build(), ctx.bash("exec -a \"$0-suid\" \"$1\"", passwd.toString()))) {
      Optional<HostProcess> found = Optional.empty();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (found.isEmpty() && System.nanoTime() < end) {
        found = HostProcesses.withToken(token).stream().findFirst();
        if (found.isEmpty()) {
          Thread.sleep(20);
        }
      }
      ctx.check(found.isPresent(), "passwd never ran inside the sandbox");
      String uids = found.get().status("Uid").orElse("");
      String[] f = uids.trim().split("\\s+");
      ctx.check(f.length >= 2, "no Uid line in the status of passwd: '" + uids + "'");
      ctx.check(
          !f[1].equals("0"),
          "the setuid-root passwd ran with effective uid 0 (Uid: " + uids.trim() + ")");
      ex.stdin().close();
    }
  }

  private static void nestedUserNamespaceGivesNoCapabilities(ScenarioContext ctx) throws Exception {
    Path unshare = ctx.requireTool("unshare");
    List<String> command =
        ctx.sh(
            "\"$1\" -U -r sh -c 'sleep 5; :' \"$0-nested\" || sh -c 'sleep 5; :' \"$0-refused\"",
            unshare.toString());
    try (SandboxExecution ex = ctx.start(ctx.policy().build(), command)) {
      ex.stdin().close();
      Optional<HostProcess> nested = Optional.empty();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < end) {
        if (!HostProcesses.withToken(ctx.token() + "-refused").isEmpty()) {
          return;
        }
        List<HostProcess> n = HostProcesses.withToken(ctx.token() + "-nested");
        if (!n.isEmpty() && n.get(0).commandLine().startsWith("sh ")) {
          nested = Optional.of(n.get(0));
          break;
        }
        Thread.sleep(20);
      }
      ctx.check(nested.isPresent(), "neither the nested nor the fallback shell ran");
      String cap = nested.get().status("CapEff").orElse("0");
      ctx.check(
          cap.matches("0+"),
          "a nested user namespace was created and its shell holds CapEff " + cap);
    }
  }

  /** A host process that the scenario ends when it closes. */
  record HostProcessHandle(Process process) implements AutoCloseable {
    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** A {@code sleep 60} the host starts, ended when the scenario ends. */
  private static Process hostVictim(ScenarioContext ctx) throws IOException {
    return ctx.closeLater(new HostProcessHandle(new ProcessBuilder("sleep", "60").start()))
        .process();
  }

  private static void hostRun(ScenarioContext ctx, String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      ctx.skip("could not prepare the scenario: " + String.join(" ", cmd) + " failed");
    }
  }

  /** Starts a shell that sleeps, finds it in the host's process list and judges it there. */
  private static void judgedFromTheHost(ScenarioContext ctx, Consumer<HostProcess> judgement)
      throws IOException, InterruptedException {
    List<String> command = ctx.sh("sleep 5; :");
    try (SandboxExecution ex = ctx.start(ctx.policy().build(), command)) {
      ex.stdin().close();
      judgement.accept(found(ctx, ex, command));
    }
  }

  /** The sandboxed shell carrying the scenario's token, as the host sees it. */
  private static HostProcess found(ScenarioContext ctx, SandboxExecution ex, List<String> command)
      throws InterruptedException {
    // The command itself, not a launcher helper whose command line carries the same arguments.
    String exact = String.join(" ", command);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < end && ex.isAlive()) {
      for (HostProcess p : HostProcesses.withToken(ctx.token())) {
        if (p.commandLine().equals(exact)) {
          return p;
        }
      }
      Thread.sleep(20);
    }
    ctx.fail("the sandboxed command never appeared in the host's process list");
    throw new AssertionError("unreachable");
  }

  /** Fails naming every process with the token still alive {@link #DEATH_GRACE} after the run. */
  static void noSurvivors(ScenarioContext ctx, SandboxResult r) throws InterruptedException {
    List<HostProcess> left = HostProcesses.awaitGone(ctx.token(), DEATH_GRACE);
    if (!left.isEmpty()) {
      HostProcesses.killAll(ctx.token());
      ctx.fail(
          left.size()
              + " process(es) outlived the run by "
              + DEATH_GRACE.toMillis()
              + " ms: "
              + left
              + " (run: "
              + excerpt(r)
              + ")");
    }
  }
}
