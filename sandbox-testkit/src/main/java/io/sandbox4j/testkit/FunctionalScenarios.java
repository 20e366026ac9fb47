package io.sandbox4j.testkit;

import static io.sandbox4j.testkit.ScenarioContext.content;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Functional scenarios: nothing ordinary is over-blocked. They judge no feature: they run
 * everywhere.
 */
final class FunctionalScenarios {
  private FunctionalScenarios() {}

  static List<Scenario> all() {
    return List.of(
        Scenario.builder("shellAndCoreutilsWorkInWorkspace")
            .linux()
            .description("mkdir, echo, cp, cat, ls, mv and rm in the workspace")
            .body(
                ctx -> {
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "mkdir -p d/e && echo hello > d/e/f && cp d/e/f g && mv g h &&"
                                  + " cat h && ls d/e >/dev/null && rm -r d && sort h | uniq"
                                  + " | wc -l"));
                  ctx.check(
                      r.exitCode() == 0
                          && content(ctx.workspace().resolve("h")).orElse("").equals("hello\n"),
                      "ordinary shell work in the workspace failed: " + excerpt(r));
                }),
        Scenario.builder("gitCommitWorksInWorkspace")
            .linux()
            .description("git add and git commit in a repository the host initialised")
            .body(
                ctx -> {
                  Path git = ctx.requireTool("git");
                  Process init =
                      new ProcessBuilder(git.toString(), "init", "-q", ctx.workspace().toString())
                          .redirectErrorStream(true)
                          .start();
                  ctx.assume(
                      init.waitFor(20, TimeUnit.SECONDS) && init.exitValue() == 0,
                      "git init failed on the host");
                  Files.writeString(ctx.workspace().resolve("README"), "hello\n");
                  SandboxPolicy p =
                      ctx.policy()
                          .setEnv("GIT_AUTHOR_NAME", "sandbox")
                          .setEnv("GIT_AUTHOR_EMAIL", "sandbox@example.invalid")
                          .setEnv("GIT_COMMITTER_NAME", "sandbox")
                          .setEnv("GIT_COMMITTER_EMAIL", "sandbox@example.invalid")
                          .build();
                  SandboxResult r =
                      ctx.run(
                          p,
                          List.of(
                              "/bin/sh",
                              "-c",
                              // safe.directory: under a mapped uid the host's repository looks
                              // foreign to git.
                              "\"$1\" -c safe.directory='*' add README"
                                  + " && \"$1\" -c safe.directory='*' commit -q -m 'from the sandbox'",
                              "git",
                              git.toString()));
                  Process log =
                      new ProcessBuilder(
                              git.toString(), "-C", ctx.workspace().toString(), "log", "--oneline")
                          .redirectErrorStream(true)
                          .start();
                  String out = new String(log.getInputStream().readAllBytes());
                  log.waitFor(20, TimeUnit.SECONDS);
                  ctx.check(
                      out.contains("from the sandbox"),
                      "git commit in the sandbox did not create a commit: " + excerpt(r));
                }),
        Scenario.builder("javaRunsInWorkspace")
            .description("the current JVM runs a program that writes a file in the workspace")
            .body(
                ctx -> {
                  Path f = ctx.workspace().resolve("from-java.txt");
                  SandboxResult r = ctx.run(ctx.probe("write", f.toString(), "java-ok"));
                  ctx.check(
                      content(f).orElse("").equals("java-ok"),
                      "a JVM could not write in the workspace: " + excerpt(r));
                }),
        Scenario.builder("pythonRunsInWorkspace")
            .linux()
            .description("python3 writes a file in the workspace and in the temporary directory")
            .body(
                ctx -> {
                  Path python = ctx.requireTool("python3");
                  SandboxResult r =
                      ctx.run(
                          List.of(
                              python.toString(),
                              "-c",
                              "import tempfile\n"
                                  + "with tempfile.NamedTemporaryFile() as t: t.write(b'x')\n"
                                  + "open('py.txt','w').write('python-ok')\n"));
                  ctx.check(
                      content(ctx.workspace().resolve("py.txt")).orElse("").equals("python-ok"),
                      "python3 could not work in the workspace: " + excerpt(r));
                }),
        Scenario.builder("cCompilerBuildsAndRuns")
            .linux()
            .description("cc compiles a program in the workspace, which then runs")
            .body(
                ctx -> {
                  Path cc = ctx.requireTool("cc");
                  Files.writeString(
                      ctx.workspace().resolve("hello.c"),
                      "#include <stdio.h>\nint main(void){puts(\"c-ok\");return 0;}\n");
                  SandboxResult r =
                      ctx.run(ctx.sh("\"$1\" -o hello hello.c && ./hello", cc.toString()));
                  ctx.check(
                      r.stdoutText().contains("c-ok"),
                      "cc could not build and run a program: " + excerpt(r));
                }),
        Scenario.builder("exitCodesPassThrough")
            .linux()
            .description("exit 0, 1, 42 and 255 come back unchanged")
            .body(
                ctx -> {
                  for (int code : new int[] {0, 1, 42, 255}) {
                    SandboxResult r = ctx.run(ctx.sh("exit " + code));
                    ctx.check(
                        r.exitCode() == code, "exit " + code + " came back as " + r.exitCode());
                  }
                }),
        Scenario.builder("signalDeathIsReportedAs128PlusN")
            .linux()
            .description("a command killed by SIGTERM or SIGKILL ends with 143 or 137")
            .body(
                ctx -> {
                  SandboxResult term = ctx.run(ctx.sh("kill -TERM $$; sleep 5"));
                  ctx.check(
                      term.exitCode() == 143, "death by SIGTERM came back as " + term.exitCode());
                  SandboxResult kill = ctx.run(ctx.sh("kill -KILL $$; sleep 5"));
                  ctx.check(
                      kill.exitCode() == 137, "death by SIGKILL came back as " + kill.exitCode());
                }),
        Scenario.builder("stdioIsBinarySafe")
            .linux()
            .description(
                "all 256 byte values through standard input, back on standard output and error")
            .body(
                ctx -> {
                  byte[] all = new byte[256 * 64];
                  for (int i = 0; i < all.length; i++) {
                    all[i] = (byte) i;
                  }
                  try (SandboxExecution ex =
                      ctx.start(ctx.policy().build(), ctx.sh("tee /dev/stderr"))) {
                    CompletableFuture<byte[]> out = drain(ex.stdout());
                    CompletableFuture<byte[]> err = drain(ex.stderr());
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
                }),
        Scenario.builder("parallelRunsDoNotInterfere")
            .linux()
            .description("four runs at once, each writing and reading its own file")
            .body(
                ctx -> {
                  List<CompletableFuture<SandboxResult>> runs = new ArrayList<>();
                  for (int i = 0; i < 4; i++) {
                    String name = "run" + i;
                    runs.add(
                        CompletableFuture.supplyAsync(
                            () ->
                                ctx.run(
                                    ctx.sh(
                                        "echo \"$1\" > \"$1.txt\"; sleep 0.2; cat \"$1.txt\"",
                                        name))));
                  }
                  for (int i = 0; i < 4; i++) {
                    SandboxResult r = runs.get(i).get(30, TimeUnit.SECONDS);
                    ctx.check(
                        r.exitCode() == 0 && r.stdoutText().equals("run" + i + "\n"),
                        "parallel run " + i + " failed or saw another's output: " + excerpt(r));
                  }
                }),
        Scenario.builder("devNullAndTemporaryFilesWork")
            .linux()
            .description("writing /dev/null, reading /dev/urandom and mktemp work")
            .body(
                ctx -> {
                  SandboxResult r =
                      ctx.run(
                          ctx.sh(
                              "echo x > /dev/null && head -c 16 /dev/urandom > /dev/null &&"
                                  + " t=$(mktemp) && echo tmp-ok > \"$t\" && cat \"$t\""));
                  ctx.check(
                      r.stdoutText().contains("tmp-ok"),
                      "/dev/null, /dev/urandom or mktemp failed: " + excerpt(r));
                }),
        Scenario.builder("networkAllModeReachesLoopback")
            .linux()
            .description("with the network mode 'all', a loopback listener is reached")
            .body(
                ctx -> {
                  ctx.requireTool("bash");
                  Listeners.Tcp l =
                      ctx.closeLater(new Listeners.Tcp(InetAddress.getByName("127.0.0.1")));
                  SandboxPolicy p = ctx.policy().network(NetworkPolicy.ALL).build();
                  SandboxResult r =
                      ctx.run(
                          p, ctx.bash("echo hi > /dev/tcp/127.0.0.1/$1", String.valueOf(l.port())));
                  ctx.check(
                      l.contact(NetworkScenarios.GRACE).isPresent(),
                      "network mode 'all' did not reach a loopback listener: " + excerpt(r));
                }),
        Scenario.builder("windowsShellWorks")
            .windows()
            .description("cmd.exe writes a file in the workspace and to NUL")
            .body(
                ctx -> {
                  SandboxResult r = ctx.run(ctx.cmd("echo cmd-ok> out.txt && echo x> NUL"));
                  ctx.check(
                      content(ctx.workspace().resolve("out.txt")).orElse("").contains("cmd-ok")
                          && r.exitCode() == 0,
                      "cmd.exe could not write in the workspace or to NUL: " + excerpt(r));
                }));
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }
}
