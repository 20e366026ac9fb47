package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.api.Feature.PROC_NEW_SESSION;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The smaller leaks and the system roots of issue 10: what the launch itself shows other users (the
 * plan on a command line), what the command can leave behind through the standard streams it
 * inherits (terminal modes), what root's own files tell a command run by root, and writable roots
 * that are the host's kernel interfaces or system directories.
 */
final class LeakScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table.add(
        Scenario.builder("launchPlanIsOnNoCommandLine")
            .linux()
            .description(
                "while the command runs, no process of the run holds the launch plan (or a piece"
                    + " of it) in its /proc/PID/cmdline, which every local user can read, nor"
                    + " still in its environment")
            .body(LeakScenarios::launchPlanIsOnNoCommandLine),
        Scenario.builder("rootOnlyFilesAreUnreadable")
            .judges(FS_READ_DENY)
            .linux()
            .description(
                "the command reads /etc/shadow, /etc/gshadow and lists /etc/ssl/private: run by"
                    + " root it is uid 0 of its user namespace and owns them, so the default"
                    + " policy must deny them; run by another account the host's modes do")
            .body(LeakScenarios::rootOnlyFilesAreUnreadable),
        Scenario.builder("terminalModesAreRestoredAfterTheRun")
            .judges(PROC_NEW_SESSION)
            .linux()
            .description(
                "with a pseudo-terminal of the host as standard input, the command switches it"
                    + " to raw mode without echo; after the run the host finds the modes it had")
            .body(LeakScenarios::terminalModesAreRestored),
        Scenario.builder("kernelAndSystemDirectoriesAreNeverWritableRoots")
            .judges(FS_WRITE_CONFINEMENT)
            .linux()
            .description(
                "the workspace /proc, an extra writable root /proc/sys/kernel, /sys, /dev/shm, or"
                    + " /etc without the opt-in (and through a symbolic link) are exit 2 and"
                    + " nothing runs")
            .body(LeakScenarios::systemRootsAreRefused));
  }

  private static void launchPlanIsOnNoCommandLine(ScenarioContext ctx) throws Exception {
    // The working directory is in every plan (its chdir record): give it the scenario's token.
    Path cwd = Files.createDirectories(ctx.workspace().resolve("plan-" + ctx.token()));
    SandboxPolicy policy = ctx.policy().workingDirectory(cwd).build();
    try (SandboxExecution ex = ctx.start(policy, ctx.sh("echo ready; read x"))) {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(ex.stdout(), StandardCharsets.UTF_8));
      String first = out.readLine();
      ctx.check("ready".equals(first), "the command did not start: " + first);
      List<ProcessHandle> run = new ArrayList<>();
      ProcessHandle.of(ex.pid()).ifPresent(run::add);
      try (Stream<ProcessHandle> d =
          ProcessHandle.of(ex.pid()).stream().flatMap(p -> p.descendants())) {
        d.forEach(run::add);
      }
      ctx.check(!run.isEmpty(), "no process of the run was found while it ran");
      byte[] token = cwd.getFileName().toString().getBytes(StandardCharsets.UTF_8);
      for (ProcessHandle p : run) {
        Path proc = Path.of("/proc", Long.toString(p.pid()));
        Optional<byte[]> cmdline = read(proc.resolve("cmdline"));
        if (cmdline.isEmpty()) {
          continue; // ended meanwhile
        }
        String args = new String(cmdline.get(), StandardCharsets.ISO_8859_1);
        ctx.check(
            !holdsPlan(args.split("\0"), token),
            "process " + p.pid() + " has the launch plan on its command line: " + shorten(args));
        Optional<byte[]> environ = read(proc.resolve("environ"));
        for (String e :
            new String(environ.orElse(new byte[0]), StandardCharsets.ISO_8859_1).split("\0")) {
          ctx.check(
              !(e.startsWith("SANDBOX4J_PLAN_") && e.indexOf('=') < e.length() - 1),
              "process " + p.pid() + " still holds the plan in its environment: " + shorten(e));
        }
      }
      ex.stdin().close();
      ex.waitFor(Duration.ofSeconds(20));
    }
  }

  /** Whether argv elements, alone or joined, decode as base64 to a plan or hold the token. */
  static boolean holdsPlan(String[] args, byte[] token) {
    List<String> candidates = new ArrayList<>(List.of(args));
    candidates.add(String.join("", List.of(args).subList(Math.min(1, args.length), args.length)));
    for (String a : candidates) {
      if (contains(a.getBytes(StandardCharsets.ISO_8859_1), token)) {
        return true;
      }
      try {
        byte[] b = Base64.getDecoder().decode(a);
        if ((b.length >= 3 && b[0] == 'S' && b[1] == '4' && b[2] == 'J') || contains(b, token)) {
          return true;
        }
      } catch (IllegalArgumentException notBase64) {
        // not a plan
      }
    }
    return false;
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static Optional<byte[]> read(Path p) {
    try {
      return Optional.of(Files.readAllBytes(p));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String shorten(String s) {
    String v = s.replace('\0', ' ');
    return v.length() > 120 ? v.substring(0, 120) + "..." : v;
  }

  /**
   * Run by root, the command is uid 0 of its user namespace and owns these files, so only the
   * policy keeps them out; run by another account the host's modes do, and the scenario checks that
   * the sandbox adds no way around them.
   */
  private static void rootOnlyFilesAreUnreadable(ScenarioContext ctx) throws Exception {
    Path shadow = Path.of("/etc/shadow");
    ctx.assume(Files.exists(shadow), "the host has no /etc/shadow");
    Optional<String> hostLine =
        Files.isReadable(shadow)
            ? Files.readAllLines(shadow, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.startsWith("root:"))
                .findFirst()
            : Optional.empty();
    SandboxResult r =
        ctx.run(
            ctx.sh(
                "echo start; head -1 /etc/passwd; echo '--secrets--';"
                    + " cat /etc/shadow /etc/gshadow 2>&1; ls -1 /etc/ssl/private 2>&1;"
                    + " echo '--end--'"));
    String out = r.stdoutText();
    int from = out.indexOf("--secrets--\n");
    int to = out.indexOf("--end--");
    ctx.check(
        out.startsWith("start\nroot:") && from > 0 && to > from,
        "the command could not run or read /etc/passwd (over-blocked?): " + excerpt(r));
    String secrets = out.substring(from + "--secrets--\n".length(), to);
    hostLine.ifPresent(
        line -> ctx.check(!secrets.contains(line), "the command read /etc/shadow: " + excerpt(r)));
    for (String line : secrets.split("\n")) {
      // what remains may only be the tools' refusals ("cat: /etc/shadow: Permission denied")
      ctx.check(
          line.isEmpty() || line.startsWith("cat: ") || line.startsWith("ls: "),
          "the command read a file only root can read: '" + line + "' (" + excerpt(r) + ")");
    }
  }

  private static void terminalModesAreRestored(ScenarioContext ctx) throws Exception {
    // The host side: a pseudo-terminal in canonical mode with echo; on "check" it says whether
    // its modes are still the ones it started with.
    List<String> host =
        ctx.python(
            "import os,pty,sys,termios\n"
                + "m,s=pty.openpty()\n"
                + "a=termios.tcgetattr(s)\n"
                + "a[3]|=termios.ECHO|termios.ICANON\n"
                + "termios.tcsetattr(s,termios.TCSANOW,a)\n"
                + "before=termios.tcgetattr(s)\n"
                + "print(os.ttyname(s),flush=True)\n"
                + "sys.stdin.readline()\n"
                + "after=termios.tcgetattr(s)\n"
                + "print('same' if after==before else 'changed lflag %o to %o'%(before[3],after[3]),"
                + "flush=True)\n"
                + "sys.stdin.readline()\n");
    HostTerminal terminal = HostTerminal.open(ctx, host);
    List<String> change =
        ctx.python(
            "import termios,tty\n"
                + "tty.setraw(0)\n"
                + "a=termios.tcgetattr(0)\n"
                + "print('raw' if not a[3]&(termios.ECHO|termios.ICANON) else 'not raw',"
                + "flush=True)\n");
    Path out = ctx.workspace().resolve("raw.out");
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().build(),
            change,
            new Redirects(terminal.input(), Redirect.to(out.toFile()), Redirect.DISCARD))) {
      ctx.check(ex.waitFor(Duration.ofSeconds(20)).isPresent(), "the command did not end");
    }
    String said = ScenarioContext.content(out).orElse("").strip();
    ctx.check(said.equals("raw"), "the command could not change the terminal's modes: " + said);
    terminal.process().getOutputStream().write("check\n".getBytes(StandardCharsets.UTF_8));
    terminal.process().getOutputStream().flush();
    String verdict = terminal.answers().readLine();
    ctx.check(
        "same".equals(verdict),
        "after the run the host's terminal "
            + terminal.pts()
            + " kept the command's modes: "
            + verdict);
  }

  private static void systemRootsAreRefused(ScenarioContext ctx) throws Exception {
    Path marker = ctx.outside().resolve("ran");
    List<String> command = ctx.sh("echo ran > \"$1\"", marker.toString());
    Path link = ctx.workspace().resolve("etc-link");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, Path.of("/etc"));
    List<SandboxPolicy.Builder> refused =
        List.of(
            SandboxPolicy.builder(Path.of("/proc")),
            ctx.policy().allowWrite(Path.of("/proc/sys/kernel")),
            ctx.policy().allowWrite(Path.of("/sys")),
            ctx.policy().allowWrite(Path.of("/dev/shm")),
            ctx.policy().allowWrite(Path.of("/proc/sys")).allowSystemWrite(Path.of("/proc/sys")),
            ctx.policy().allowWrite(Path.of("/etc")),
            ctx.policy().allowWrite(Path.of("/tmp/../usr/lib")),
            ctx.policy().allowWrite(link));
    for (SandboxPolicy.Builder b : refused) {
      SandboxPolicy policy = b.build();
      String roots = policy.filesystem().allWritableRoots().toString();
      try (SandboxExecution ex = ctx.sandbox().start(ctx.request(policy, command))) {
        ex.waitFor(Duration.ofSeconds(20));
        ctx.fail("the writable roots " + roots + " were accepted and the command started");
      } catch (SandboxException e) {
        ctx.check(
            e.exitCode() == SandboxException.EXIT_USAGE,
            "the writable roots " + roots + " gave exit " + e.exitCode() + ", not 2: " + e);
        ctx.check(
            e.getMessage().contains("writable root"),
            "the refusal of " + roots + " does not say why: " + e.getMessage());
      }
      ctx.check(!Files.exists(marker), "the command ran with the writable roots " + roots);
    }
  }
}
