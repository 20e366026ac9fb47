package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.api.Feature.PROC_TREE_KILL;
import static io.sandbox4j.testkit.Platform.WINDOWS;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.core.SandboxResult;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The Windows equivalents of the Linux adversarial families: junctions, alternate data streams,
 * {@code \\?\}, device and UNC path forms, case variants and 8.3 short names of protected names,
 * other drives, named pipes, and launching through ShellExecute. They run in the Windows workflow
 * and are reported as skipped ("requires Windows") elsewhere.
 */
final class WindowsScenarios {
  private WindowsScenarios() {}

  static List<Scenario> all() {
    return new ScenarioTable(WINDOWS)
        .judging(FS_WRITE_CONFINEMENT)
        .row(
            "junctionToOutsideIsRefused",
            "a junction planted in the workspace and one the command creates point outside;"
                + " the command writes through both",
            ctx -> {
              host(
                  ctx,
                  "mklink /J \""
                      + ctx.workspace().resolve("planted")
                      + "\" \""
                      + ctx.outside()
                      + "\"");
              SandboxResult r =
                  ctx.run(
                      ctx.cmd(
                          "echo pwned> planted\\a.txt & mklink /J made \""
                              + ctx.outside()
                              + "\" & echo pwned> made\\b.txt"));
              absent(ctx, r, ctx.outside().resolve("a.txt"), ctx.outside().resolve("b.txt"));
            })
        .row(
            "extendedLengthPathFormIsRefused",
            "a JVM program writes outside through \\\\?\\ and \\\\.\\ path forms",
            ctx -> {
              Path a = ctx.outside().resolve("ext.txt");
              Path b = ctx.outside().resolve("dev.txt");
              SandboxResult r1 = ctx.run(ctx.probe("write", "\\\\?\\" + a, "pwned"));
              SandboxResult r2 = ctx.run(ctx.probe("write", "\\\\.\\" + b, "pwned"));
              absent(ctx, r1, a);
              absent(ctx, r2, b);
            })
        .row(
            "uncAdminSharePathIsRefused",
            "a JVM program writes outside through \\\\localhost\\C$\\... (UNC)",
            ctx -> {
              String abs = ctx.outside().toAbsolutePath().toString();
              String unc = "\\\\localhost\\" + abs.charAt(0) + "$" + abs.substring(2);
              ctx.assume(
                  new File(unc).isDirectory(),
                  "the administrative share " + unc.substring(0, 14) + " is not reachable here");
              Path target = ctx.outside().resolve("unc.txt");
              absent(ctx, ctx.run(ctx.probe("write", unc + "\\unc.txt", "pwned")), target);
            })
        .row(
            "otherDriveIsNotWritable",
            "a JVM program writes to the root of another drive",
            WindowsScenarios::otherDriveIsNotWritable)
        .judging(FS_PROTECTED_PATHS)
        .row(
            "alternateDataStreamOnProtectedPathIsRefused",
            "the command writes alternate data streams of .git\\config and .git\\hooks",
            ctx -> {
              SandboxResult r =
                  againstGitDirectory(
                      ctx, "echo evil> .git\\config:evil & echo evil> .git\\hooks:evil");
              Path git = ctx.workspace().resolve(".git");
              ctx.check(
                  !new File(git.resolve("config") + ":evil").exists()
                      && !new File(git.resolve("hooks") + ":evil").exists(),
                  "an alternate data stream was written on a protected path (" + excerpt(r) + ")");
              FilesystemScenarios.gitConfigUnchanged(ctx, r);
            })
        .row(
            "caseVariantOfGitHooksIsReadOnly",
            "the command writes .GiT\\HOOKS\\pre-commit and .GIT\\Config",
            ctx -> {
              SandboxResult r =
                  againstGitDirectory(
                      ctx, "echo pwned> .GiT\\HOOKS\\pre-commit & echo pwned>> .GIT\\Config");
              absent(ctx, r, ctx.workspace().resolve(".git\\hooks\\pre-commit"));
              FilesystemScenarios.gitConfigUnchanged(ctx, r);
            })
        .row(
            "shortNameOfGitDirectoryIsReadOnly",
            "the command appends to .git\\config through the 8.3 short name of .git",
            ctx -> {
              Path git = FilesystemScenarios.gitConfig(ctx, true).getParent();
              String shortName =
                  hostOutput(ctx, "for %I in (\"" + git + "\") do @echo %~sI").trim();
              ctx.assume(
                  !shortName.isEmpty() && !shortName.endsWith(".git"),
                  "8.3 short names are disabled on this volume");
              SandboxResult r = ctx.run(ctx.cmd("echo pwned>> \"" + shortName + "\\config\""));
              FilesystemScenarios.gitConfigUnchanged(ctx, r);
            })
        .judging(FS_READ_DENY)
        .row(
            "credentialReadThroughJunctionIsRefused",
            "the command links %USERPROFILE%\\.ssh into the workspace and reads",
            ctx ->
                FilesystemScenarios.credentialsNotReadBy(
                    ctx,
                    ctx.cmd(
                        "mklink /J keys \""
                            + ctx.home().resolve(".ssh")
                            + "\" & type keys\\id_ed25519")))
        .judging(NET_DENY_ALL)
        .optionalRow(
            "namedPipeToHostSeesNoConnection",
            "a JVM program opens a named pipe a host process serves (the Windows analogue of a"
                + " unix socket)",
            WindowsScenarios::namedPipeToHostSeesNoConnection)
        .optionalRow(
            "urlLaunchThroughShellExecuteReachesNoListener",
            "'cmd /c start http://127.0.0.1:PORT/' hands a URL to the default browser outside"
                + " the sandbox; the loopback listener must see nothing (needs a browser)",
            ctx -> {
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              SandboxResult r =
                  ctx.run(ctx.cmd("start \"\" http://127.0.0.1:" + l.port() + "/" + ctx.secret()));
              Optional<String> seen = l.contact(Duration.ofSeconds(3));
              ctx.check(
                  seen.isEmpty(),
                  seen.orElse("") + " after a ShellExecute URL launch (" + excerpt(r) + ")");
            })
        .judging(PROC_TREE_KILL)
        .row(
            "shellExecuteStartDoesNotEscapeTree",
            "'cmd /c start' launches a JVM program through ShellExecute and exits; it must not"
                + " outlive the run",
            ctx -> {
              StringBuilder line = new StringBuilder("start \"\" /b");
              for (String part : ctx.probe("sleep", "30", ctx.token())) {
                line.append(" \"").append(part).append('"');
              }
              SandboxResult r = ctx.run(ctx.cmd(line.toString()));
              Thread.sleep(500);
              ProcessScenarios.noSurvivors(ctx, r);
            })
        .scenarios();
  }

  private static void otherDriveIsNotWritable(ScenarioContext ctx) throws Exception {
    String here = ctx.workspace().toAbsolutePath().getRoot().toString();
    Optional<File> other = Optional.empty();
    for (File root : File.listRoots()) {
      if (!root.getPath().equalsIgnoreCase(here) && root.canWrite()) {
        other = Optional.of(root);
        break;
      }
    }
    ctx.assume(other.isPresent(), "no other writable drive here");
    Path target = other.get().toPath().resolve("sbx4j-" + ctx.token() + ".txt");
    try {
      absent(ctx, ctx.run(ctx.probe("write", target.toString(), "pwned")), target);
    } finally {
      Files.deleteIfExists(target);
    }
  }

  private static void namedPipeToHostSeesNoConnection(ScenarioContext ctx) throws Exception {
    String pipe = "sbx4j-" + ctx.token();
    Path marker = ctx.outside().resolve("pipe-contact");
    Process server =
        new ProcessBuilder(
                "powershell.exe",
                "-NoProfile",
                "-Command",
                "$p=New-Object System.IO.Pipes.NamedPipeServerStream('"
                    + pipe
                    + "'); $t=$p.WaitForConnectionAsync(); 'ready';"
                    + " if($t.Wait(20000)){ Set-Content -Path '"
                    + marker
                    + "' -Value connected }")
            .redirectErrorStream(true)
            .start();
    ctx.closeLater(new ProcessScenarios.HostProcessHandle(server));
    byte[] ready = server.getInputStream().readNBytes(5);
    ctx.assume(
        new String(ready, StandardCharsets.US_ASCII).equals("ready"),
        "powershell could not serve a named pipe");
    SandboxResult r = ctx.run(ctx.probe("write", "\\\\.\\pipe\\" + pipe, "probe"));
    server.waitFor(500, TimeUnit.MILLISECONDS);
    ctx.check(
        !Files.exists(marker),
        "the host's named pipe \\\\.\\pipe\\"
            + pipe
            + " accepted a connection ("
            + excerpt(r)
            + ")");
  }

  /** Runs the cmd.exe {@code line} against a fresh {@code .git} (config and hooks). */
  private static SandboxResult againstGitDirectory(ScenarioContext ctx, String line)
      throws IOException {
    FilesystemScenarios.gitConfig(ctx, true);
    return ctx.run(ctx.cmd(line));
  }

  private static void absent(ScenarioContext ctx, SandboxResult r, Path... paths) {
    for (Path p : paths) {
      ctx.check(!Files.exists(p), p + " was created (" + excerpt(r) + ")");
    }
  }

  /** Runs {@code line} with cmd.exe on the host, to prepare a scenario; skips when it fails. */
  private static void host(ScenarioContext ctx, String line) throws Exception {
    Process p = new ProcessBuilder(ctx.cmd(line)).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      ctx.skip("could not prepare the scenario on the host: " + line);
    }
  }

  /** What {@code line} prints when cmd.exe runs it on the host. */
  private static String hostOutput(ScenarioContext ctx, String line) throws Exception {
    Process p = new ProcessBuilder(ctx.cmd(line)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }
}
