package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.api.Feature.PROC_TREE_KILL;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.core.SandboxResult;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    return List.of(
        Scenario.builder("junctionToOutsideIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .windows()
            .description(
                "a junction planted in the workspace and one the command creates point outside;"
                    + " the command writes through both")
            .body(
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
                }),
        Scenario.builder("extendedLengthPathFormIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .windows()
            .description("a JVM program writes outside through \\\\?\\ and \\\\.\\ path forms")
            .body(
                ctx -> {
                  Path a = ctx.outside().resolve("ext.txt");
                  Path b = ctx.outside().resolve("dev.txt");
                  SandboxResult r1 = ctx.run(ctx.probe("write", "\\\\?\\" + a, "pwned"));
                  SandboxResult r2 = ctx.run(ctx.probe("write", "\\\\.\\" + b, "pwned"));
                  absent(ctx, r1, a);
                  absent(ctx, r2, b);
                }),
        Scenario.builder("uncAdminSharePathIsRefused")
            .judges(FS_WRITE_CONFINEMENT)
            .windows()
            .description("a JVM program writes outside through \\\\localhost\\C$\\... (UNC)")
            .body(
                ctx -> {
                  String abs = ctx.outside().toAbsolutePath().toString();
                  String unc = "\\\\localhost\\" + abs.charAt(0) + "$" + abs.substring(2);
                  ctx.assume(
                      new File(unc).isDirectory(),
                      "the administrative share "
                          + unc.substring(0, 14)
                          + " is not reachable here");
                  Path target = ctx.outside().resolve("unc.txt");
                  SandboxResult r = ctx.run(ctx.probe("write", unc + "\\unc.txt", "pwned"));
                  absent(ctx, r, target);
                }),
        Scenario.builder("otherDriveIsNotWritable")
            .judges(FS_WRITE_CONFINEMENT)
            .windows()
            .description("a JVM program writes to the root of another drive")
            .body(
                ctx -> {
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
                    SandboxResult r = ctx.run(ctx.probe("write", target.toString(), "pwned"));
                    absent(ctx, r, target);
                  } finally {
                    Files.deleteIfExists(target);
                  }
                }),
        Scenario.builder("alternateDataStreamOnProtectedPathIsRefused")
            .judges(FS_PROTECTED_PATHS)
            .windows()
            .description(
                "the command writes alternate data streams of .git\\config and .git\\hooks")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  SandboxResult r =
                      ctx.run(
                          ctx.cmd("echo evil> .git\\config:evil & echo evil> .git\\hooks:evil"));
                  ctx.check(
                      !new File(config + ":evil").exists()
                          && !new File(ctx.workspace().resolve(".git\\hooks") + ":evil").exists(),
                      "an alternate data stream was written on a protected path ("
                          + excerpt(r)
                          + ")");
                  FilesystemScenarios.unchanged(
                      ctx, config, FilesystemScenarios.ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("caseVariantOfGitHooksIsReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .windows()
            .description("the command writes .GiT\\HOOKS\\pre-commit and .GIT\\Config")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  SandboxResult r =
                      ctx.run(
                          ctx.cmd(
                              "echo pwned> .GiT\\HOOKS\\pre-commit & echo pwned>> .GIT\\Config"));
                  absent(ctx, r, ctx.workspace().resolve(".git\\hooks\\pre-commit"));
                  FilesystemScenarios.unchanged(
                      ctx, config, FilesystemScenarios.ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("shortNameOfGitDirectoryIsReadOnly")
            .judges(FS_PROTECTED_PATHS)
            .windows()
            .description("the command appends to .git\\config through the 8.3 short name of .git")
            .body(
                ctx -> {
                  Path config = gitConfig(ctx);
                  String shortName =
                      hostOutput(
                              ctx,
                              "for %I in (\""
                                  + ctx.workspace().resolve(".git")
                                  + "\") do @echo %~sI")
                          .trim();
                  ctx.assume(
                      !shortName.isEmpty() && !shortName.endsWith(".git"),
                      "8.3 short names are disabled on this volume");
                  SandboxResult r = ctx.run(ctx.cmd("echo pwned>> \"" + shortName + "\\config\""));
                  FilesystemScenarios.unchanged(
                      ctx, config, FilesystemScenarios.ORIGINAL_CONFIG, r);
                }),
        Scenario.builder("credentialReadThroughJunctionIsRefused")
            .judges(FS_READ_DENY)
            .windows()
            .description("the command links %USERPROFILE%\\.ssh into the workspace and reads")
            .body(
                ctx -> {
                  FilesystemScenarios.plantCredentials(ctx);
                  SandboxResult r =
                      ctx.run(
                          ctx.cmd(
                              "mklink /J keys \""
                                  + ctx.home().resolve(".ssh")
                                  + "\" & type keys\\id_ed25519"));
                  FilesystemScenarios.noSecret(ctx, r);
                }),
        Scenario.builder("namedPipeToHostSeesNoConnection")
            .judges(NET_DENY_ALL)
            .windows()
            .optional()
            .description(
                "a JVM program opens a named pipe a host process serves (the Windows analogue of a"
                    + " unix socket)")
            .body(
                ctx -> {
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
                }),
        Scenario.builder("urlLaunchThroughShellExecuteReachesNoListener")
            .judges(NET_DENY_ALL)
            .windows()
            .optional()
            .description(
                "'cmd /c start http://127.0.0.1:PORT/' hands a URL to the default browser outside"
                    + " the sandbox; the loopback listener must see nothing (needs a browser)")
            .body(
                ctx -> {
                  Listeners.Tcp l =
                      ctx.closeLater(new Listeners.Tcp(InetAddress.getByName("127.0.0.1")));
                  SandboxResult r =
                      ctx.run(
                          ctx.cmd("start \"\" http://127.0.0.1:" + l.port() + "/" + ctx.secret()));
                  Optional<String> seen = l.contact(java.time.Duration.ofSeconds(3));
                  ctx.check(
                      seen.isEmpty(),
                      seen.orElse("") + " after a ShellExecute URL launch (" + excerpt(r) + ")");
                }),
        Scenario.builder("shellExecuteStartDoesNotEscapeTree")
            .judges(PROC_TREE_KILL)
            .windows()
            .description(
                "'cmd /c start' launches a JVM program through ShellExecute and exits; it must not"
                    + " outlive the run")
            .body(
                ctx -> {
                  List<String> probe = ctx.probe("sleep", "30", ctx.token());
                  StringBuilder line = new StringBuilder("start \"\" /b");
                  for (String part : probe) {
                    line.append(" \"").append(part).append('"');
                  }
                  SandboxResult r = ctx.run(ctx.cmd(line.toString()));
                  Thread.sleep(500);
                  ProcessScenarios.noSurvivors(ctx, r);
                }));
  }

  private static Path gitConfig(ScenarioContext ctx) throws IOException {
    Path git = Files.createDirectories(ctx.workspace().resolve(".git"));
    Files.createDirectories(git.resolve("hooks"));
    return Files.writeString(git.resolve("config"), FilesystemScenarios.ORIGINAL_CONFIG);
  }

  private static void absent(ScenarioContext ctx, SandboxResult r, Path... paths) {
    for (Path p : paths) {
      ctx.check(!Files.exists(p), p + " was created (" + excerpt(r) + ")");
    }
  }

  private static void host(ScenarioContext ctx, String line) throws Exception {
    Process p = new ProcessBuilder("cmd.exe", "/d", "/c", line).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      ctx.skip("could not prepare the scenario on the host: " + line);
    }
  }

  private static String hostOutput(ScenarioContext ctx, String line) throws Exception {
    Process p = new ProcessBuilder("cmd.exe", "/d", "/c", line).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(20, TimeUnit.SECONDS);
    return out;
  }
}
