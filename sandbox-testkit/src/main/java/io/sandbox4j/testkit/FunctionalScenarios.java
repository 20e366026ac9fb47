package io.sandbox4j.testkit;

import static io.sandbox4j.testkit.Platform.ANY;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.Platform.WINDOWS;
import static io.sandbox4j.testkit.ScenarioContext.content;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Functional scenarios: nothing ordinary is over-blocked. They judge no feature: they run
 * everywhere.
 */
final class FunctionalScenarios implements ScenarioGroup {
  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX)
        .row(
            "shellAndCoreutilsWorkInWorkspace",
            "mkdir, echo, cp, cat, ls, mv and rm in the workspace",
            ctx ->
                works(
                    ctx,
                    ctx.sh(
                        "mkdir -p d/e && echo hello > d/e/f && cp d/e/f g && mv g h &&"
                            + " cat h && ls d/e >/dev/null && rm -r d && sort h | uniq"
                            + " | wc -l"),
                    r -> r.exitCode() == 0 && holds(ctx, "h").equals("hello\n"),
                    "ordinary shell work in the workspace failed"))
        .row(
            "gitCommitWorksInWorkspace",
            "git add and git commit in a repository the host initialised",
            FunctionalScenarios::gitCommitWorksInWorkspace)
        .judging(ANY)
        .row(
            "javaRunsInWorkspace",
            "the current JVM runs a program that writes a file in the workspace",
            ctx ->
                works(
                    ctx,
                    ctx.probe(
                        "write", ctx.workspace().resolve("from-java.txt").toString(), "java-ok"),
                    r -> holds(ctx, "from-java.txt").equals("java-ok"),
                    "a JVM could not write in the workspace"))
        .judging(LINUX)
        .row(
            "pythonRunsInWorkspace",
            "python3 writes a file in the workspace and in the temporary directory",
            ctx ->
                works(
                    ctx,
                    ctx.python(
                        "import tempfile\n"
                            + "with tempfile.NamedTemporaryFile() as t: t.write(b'x')\n"
                            + "open('py.txt','w').write('python-ok')\n"),
                    r -> holds(ctx, "py.txt").equals("python-ok"),
                    "python3 could not work in the workspace"))
        .row(
            "cCompilerBuildsAndRuns",
            "cc compiles a program in the workspace, which then runs",
            ctx -> {
              Path cc = ctx.requireTool("cc");
              Files.writeString(
                  ctx.workspace().resolve("hello.c"),
                  "#include <stdio.h>\nint main(void){puts(\"c-ok\");return 0;}\n");
              works(
                  ctx,
                  ctx.sh("\"$1\" -o hello hello.c && ./hello", cc.toString()),
                  r -> r.stdoutText().contains("c-ok"),
                  "cc could not build and run a program");
            })
        .row(
            "exitCodesPassThrough",
            "exit 0, 1, 42 and 255 come back unchanged",
            ctx -> {
              for (int code : new int[] {0, 1, 42, 255}) {
                SandboxResult r = ctx.run(ctx.sh("exit " + code));
                ctx.check(r.exitCode() == code, "exit " + code + " came back as " + r.exitCode());
              }
            })
        .row(
            "signalDeathIsReportedAs128PlusN",
            "a command killed by SIGTERM or SIGKILL ends with 143 or 137",
            ctx -> {
              SandboxResult term = ctx.run(ctx.sh("kill -TERM $$; sleep 5"));
              ctx.check(term.exitCode() == 143, "death by SIGTERM came back as " + term.exitCode());
              SandboxResult kill = ctx.run(ctx.sh("kill -KILL $$; sleep 5"));
              ctx.check(kill.exitCode() == 137, "death by SIGKILL came back as " + kill.exitCode());
            })
        .row(
            "stdioIsBinarySafe",
            "all 256 byte values through standard input, back on standard output and error",
            FunctionalScenarios::stdioIsBinarySafe)
        .row(
            "parallelRunsDoNotInterfere",
            "four runs at once, each writing and reading its own file",
            ctx -> {
              List<CompletableFuture<SandboxResult>> runs = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                List<String> command =
                    ctx.sh("echo \"$1\" > \"$1.txt\"; sleep 0.2; cat \"$1.txt\"", "run" + i);
                runs.add(CompletableFuture.supplyAsync(() -> ctx.run(command)));
              }
              for (int i = 0; i < 4; i++) {
                SandboxResult r = runs.get(i).get(30, TimeUnit.SECONDS);
                ctx.check(
                    r.exitCode() == 0 && r.stdoutText().equals("run" + i + "\n"),
                    "parallel run " + i + " failed or saw another's output: " + excerpt(r));
              }
            })
        .row(
            "devNullAndTemporaryFilesWork",
            "writing /dev/null, reading /dev/urandom and mktemp work",
            ctx ->
                works(
                    ctx,
                    ctx.sh(
                        "echo x > /dev/null && head -c 16 /dev/urandom > /dev/null &&"
                            + " t=$(mktemp) && echo tmp-ok > \"$t\" && cat \"$t\""),
                    r -> r.stdoutText().contains("tmp-ok"),
                    "/dev/null, /dev/urandom or mktemp failed"))
        .row(
            "networkAllModeReachesLoopback",
            "with the network mode 'all', a loopback listener is reached",
            ctx -> {
              ctx.requireTool("bash");
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              SandboxPolicy p = ctx.policy().network(NetworkPolicy.ALL).build();
              SandboxResult r =
                  ctx.run(p, ctx.bash("echo hi > /dev/tcp/127.0.0.1/$1", String.valueOf(l.port())));
              ctx.check(
                  l.contact(Listeners.GRACE).isPresent(),
                  "network mode 'all' did not reach a loopback listener: " + excerpt(r));
            })
        .judging(WINDOWS)
        .row(
            "windowsShellWorks",
            "cmd.exe writes a file in the workspace and to NUL",
            ctx ->
                works(
                    ctx,
                    ctx.cmd("echo cmd-ok> out.txt && echo x> NUL"),
                    r -> holds(ctx, "out.txt").contains("cmd-ok") && r.exitCode() == 0,
                    "cmd.exe could not write in the workspace or to NUL"));
  }

  /** Runs {@code command}; it is over-blocked ({@code failure}) unless {@code worked} holds. */
  private static void works(
      ScenarioContext ctx, List<String> command, Predicate<SandboxResult> worked, String failure) {
    SandboxResult r = ctx.run(command);
    ctx.check(worked.test(r), failure + ": " + excerpt(r));
  }

  /** What the workspace file {@code name} holds ("" when it does not exist). */
  private static String holds(ScenarioContext ctx, String name) {
    return content(ctx.workspace().resolve(name)).orElse("");
  }

  private static void gitCommitWorksInWorkspace(ScenarioContext ctx) throws Exception {
    Path git = ctx.requireTool("git");
    Process init =
        new ProcessBuilder(git.toString(), "init", "-q", ctx.workspace().toString())
            .redirectErrorStream(true)
            .start();
    ctx.assume(
        init.waitFor(20, TimeUnit.SECONDS) && init.exitValue() == 0, "git init failed on the host");
    Files.writeString(ctx.workspace().resolve("README"), "hello\n");
    SandboxPolicy p = GitScenarios.sandboxIdentity(ctx.policy()).build();
    SandboxResult r =
        ctx.run(
            p,
            List.of(
                "/bin/sh",
                "-c",
                // safe.directory: under a mapped uid the host's repository looks foreign to git.
                "\"$1\" -c safe.directory='*' add README"
                    + " && \"$1\" -c safe.directory='*' commit -q -m 'from the sandbox'",
                "git",
                git.toString()));
    Process log =
        new ProcessBuilder(git.toString(), "-C", ctx.workspace().toString(), "log", "--oneline")
            .redirectErrorStream(true)
            .start();
    String out = new String(log.getInputStream().readAllBytes());
    log.waitFor(20, TimeUnit.SECONDS);
    ctx.check(
        out.contains("from the sandbox"),
        "git commit in the sandbox did not create a commit: " + excerpt(r));
  }

  private static void stdioIsBinarySafe(ScenarioContext ctx) throws Exception {
    byte[] all = new byte[256 * 64];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    try (SandboxExecution ex = ctx.start(ctx.policy().build(), ctx.sh("tee /dev/stderr"))) {
      CompletableFuture<byte[]> out = ScenarioContext.drain(ex.stdout());
      CompletableFuture<byte[]> err = ScenarioContext.drain(ex.stderr());
      try (OutputStream in = ex.stdin()) {
        in.write(all);
      }
      byte[] o = out.get(20, TimeUnit.SECONDS);
      byte[] e = err.get(20, TimeUnit.SECONDS);
      ex.waitFor();
      ctx.check(
          Arrays.equals(all, o),
          "standard output differs: " + o.length + " bytes back of " + all.length);
      ctx.check(
          Arrays.equals(all, e),
          "standard error differs: " + e.length + " bytes back of " + all.length);
    }
  }
}
