package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_PRIVATE_TMP;
import static io.sandbox4j.api.Feature.FS_PROTECTED_PATHS;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static io.sandbox4j.api.Feature.NET_ALLOWLIST;
import static io.sandbox4j.api.Feature.NET_DENY_ALL;
import static io.sandbox4j.api.Feature.PROC_ISOLATION;
import static io.sandbox4j.api.Feature.PROC_TREE_KILL;
import static io.sandbox4j.testkit.Platform.WINDOWS;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.proxy.NetworkEvent;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The Windows equivalents of the Linux adversarial families: junctions, alternate data streams,
 * {@code \\?\}, device and UNC path forms, case variants and 8.3 short names of protected names,
 * other drives, named pipes, and launching through ShellExecute; junctions and directory symlinks
 * to a drive root, hard links, the raw disk, brokers that start processes outside the sandbox (WMI,
 * the task scheduler), host processes, {@code .git} written, swapped and given new hooks, the
 * private %TEMP%, and the network allow-list. They run in the Windows workflow and are reported as
 * skipped ("requires Windows") elsewhere.
 *
 * <p>Every cmd.exe line ends by writing a marker file whose quoted path holds a space ({@link
 * #runMarked}): a line cmd.exe cannot parse leaves no marker and the scenario fails instead of
 * passing because its attack never ran. The judgements themselves are in {@link WindowsJudgements},
 * tested on every OS against recorded outcomes.
 */
final class WindowsScenarios implements ScenarioGroup {
  /** How long a broker (WMI, the task scheduler) gets to start what it was asked to. */
  private static final Duration BROKER_GRACE = Duration.ofSeconds(5);

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(WINDOWS, FS_WRITE_CONFINEMENT)
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
                  runMarked(
                      ctx,
                      "echo pwned> planted\\a.txt & mklink /J made \""
                          + ctx.outside()
                          + "\" & echo pwned> made\\b.txt");
              absent(ctx, r, ctx.outside().resolve("a.txt"), ctx.outside().resolve("b.txt"));
            })
        .row(
            "junctionAsWorkingDirectoryIsRefused",
            "the policy's working directory is a junction in the workspace that points outside;"
                + " the command writes to its current directory (refusing to start is safe too)",
            ctx -> {
              Path junction = ctx.workspace().resolve("cwd-junction");
              host(ctx, "mklink /J \"" + junction + "\" \"" + ctx.outside() + "\"");
              SandboxPolicy p = ctx.policy().workingDirectory(junction).build();
              Path marker = marker(ctx);
              Optional<SandboxResult> r =
                  ctx.runUnlessRefused(
                      p,
                      ctx.cmd(WindowsJudgements.marked("echo pwned> cwd.txt", marker.toString())));
              String run = r.map(ScenarioContext::excerpt).orElse("the engine refused the policy");
              if (r.isPresent()) {
                verdict(ctx, WindowsJudgements.ranAsWritten(Files.exists(marker), run));
              }
              Path target = ctx.outside().resolve("cwd.txt");
              verdict(ctx, WindowsJudgements.notCreated(target.toString(), exists(target), run));
            })
        .row(
            "directorySymlinkToDriveRootIsRefused",
            "a directory symlink to the drive root (C:\\ on a default install), planted and created"
                + " by the command; the command writes through both into a host directory",
            WindowsScenarios::directorySymlinkToDriveRootIsRefused)
        .row(
            "hardLinkToOutsideFileIsRefused",
            "the command hard-links a file outside into the workspace and appends through the link",
            ctx -> {
              Path victim = Files.writeString(ctx.outside().resolve("victim.txt"), "original\n");
              SandboxResult r =
                  runMarked(
                      ctx,
                      "mklink /H link.txt \""
                          + victim
                          + "\" & echo pwned>> link.txt & fsutil hardlink create link2.txt \""
                          + victim
                          + "\" & echo pwned>> link2.txt");
              verdict(
                  ctx,
                  WindowsJudgements.unchanged(
                      victim.toString(),
                      "original\n",
                      ScenarioContext.content(victim),
                      excerpt(r)));
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
        .row(
            "processCreatedThroughWmiDoesNotEscape",
            "the command asks WMI (a COM server outside the sandbox) to start cmd.exe, which"
                + " writes outside; the file must not appear",
            ctx -> {
              Path target = ctx.outside().resolve("wmi.txt");
              SandboxResult r =
                  runMarked(
                      ctx,
                      "powershell -NoProfile -NonInteractive -Command \"Invoke-CimMethod -ClassName"
                          + " Win32_Process -MethodName Create -Arguments @{CommandLine='cmd.exe /c"
                          + " echo pwned> "
                          + target
                          + "'}\"");
              verdict(
                  ctx,
                  WindowsJudgements.notCreated(
                      target.toString(), appearsWithin(target, BROKER_GRACE), excerpt(r)));
            })
        .row(
            "processCreatedThroughTaskSchedulerDoesNotEscape",
            "the command registers and runs a scheduled task that writes outside; neither the"
                + " task nor the file may exist afterwards",
            WindowsScenarios::processCreatedThroughTaskSchedulerDoesNotEscape)
        .judging(WINDOWS, FS_PROTECTED_PATHS)
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
              SandboxResult r = runMarked(ctx, "echo pwned>> \"" + shortName + "\\config\"");
              FilesystemScenarios.gitConfigUnchanged(ctx, r);
            })
        .row(
            "existingGitHookIsReadOnly",
            "the command overwrites and appends to .git\\hooks\\pre-commit directly",
            ctx -> {
              FilesystemScenarios.gitConfig(ctx, true);
              Path hook = ctx.workspace().resolve(".git\\hooks\\pre-commit");
              Files.writeString(hook, ORIGINAL_HOOK);
              SandboxResult r =
                  runMarked(
                      ctx,
                      "echo pwned> .git\\hooks\\pre-commit & echo pwned>> .git\\hooks\\pre-commit");
              verdict(
                  ctx,
                  WindowsJudgements.unchanged(
                      hook.toString(), ORIGINAL_HOOK, ScenarioContext.content(hook), excerpt(r)));
            })
        .row(
            "missingGitHookIsNotCreated",
            "the command creates .git\\hooks\\post-checkout and pre-push, which did not exist",
            ctx -> {
              SandboxResult r =
                  againstGitDirectory(
                      ctx,
                      "echo pwned> .git\\hooks\\post-checkout & copy /y NUL .git\\hooks\\pre-push");
              absent(
                  ctx,
                  r,
                  ctx.workspace().resolve(".git\\hooks\\post-checkout"),
                  ctx.workspace().resolve(".git\\hooks\\pre-push"));
            })
        .row(
            "swappedGitDirectoryIsRefused",
            "the command renames .git away and plants a new .git with a hook and a config",
            ctx -> {
              SandboxResult r =
                  againstGitDirectory(
                      ctx,
                      "ren .git git-moved & mkdir .git\\hooks & echo pwned> .git\\hooks\\pre-commit"
                          + " & (echo [core]& echo hooksPath = x)> .git\\config");
              absent(ctx, r, ctx.workspace().resolve(".git\\hooks\\pre-commit"));
              FilesystemScenarios.gitConfigUnchanged(ctx, r);
            })
        .judging(WINDOWS, FS_READ_DENY)
        .row(
            "credentialReadThroughJunctionIsRefused",
            "the command links %USERPROFILE%\\.ssh into the workspace and reads",
            ctx -> {
              FilesystemScenarios.plantCredentials(ctx);
              SandboxResult r =
                  runMarked(
                      ctx,
                      "mklink /J keys \""
                          + ctx.home().resolve(".ssh")
                          + "\" & type keys\\id_ed25519");
              FilesystemScenarios.noSecret(ctx, r);
            })
        .row(
            "rawPhysicalDriveIsNotReadable",
            "a JVM program reads the first sector of \\\\.\\PhysicalDrive0; its output must not"
                + " carry the sector the host reads",
            WindowsScenarios::rawPhysicalDriveIsNotReadable)
        .judging(WINDOWS, FS_PRIVATE_TMP)
        .row(
            "nulWorksAndTempIsPrivate",
            "cmd.exe writes to NUL, then to a file in %TEMP%, which must not be the host's"
                + " temporary directory",
            WindowsScenarios::nulWorksAndTempIsPrivate)
        .judging(WINDOWS, NET_DENY_ALL)
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
                  runMarked(ctx, "start \"\" http://127.0.0.1:" + l.port() + "/" + ctx.secret());
              Optional<String> seen = l.contact(Duration.ofSeconds(3));
              ctx.check(
                  seen.isEmpty(),
                  seen.orElse("") + " after a ShellExecute URL launch (" + excerpt(r) + ")");
            })
        .judging(WINDOWS, NET_ALLOWLIST)
        .row(
            "probeAllowListReachesOnlyListedDestination",
            "with 127.0.0.1:A allow-listed, a JVM program connects to A (must work) and to B"
                + " (must not); needs the profile exempt from loopback isolation",
            ctx -> {
              Listeners.Tcp allowed =
                  ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              Listeners.Tcp other =
                  ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              HostPort listed = new HostPort("127.0.0.1", OptionalInt.of(allowed.port()));
              SandboxPolicy p = ctx.policy().network(NetworkPolicy.allow(List.of(listed))).build();
              SandboxResult r1 =
                  ctx.run(p, ctx.probe("connect", "127.0.0.1", String.valueOf(allowed.port())));
              SandboxResult r2 =
                  ctx.run(p, ctx.probe("connect", "127.0.0.1", String.valueOf(other.port())));
              verdict(
                  ctx,
                  WindowsJudgements.allowList(
                      allowed.contact(Listeners.GRACE),
                      other.contact(Listeners.GRACE),
                      excerpt(r1) + "; " + excerpt(r2)));
            })
        .row(
            "proxyAllowListReachesListedDestinationOnly",
            "with 127.0.0.1:A listed and a deny entry (so the filtering proxy enforces the list),"
                + " curl fetches from A through the proxy; a direct connection to B and a proxied"
                + " request for B both fail; needs the profile exempt from loopback isolation",
            WindowsScenarios::proxyAllowList)
        .judging(WINDOWS, PROC_ISOLATION)
        .row(
            "hostProcessCannotBeEnded",
            "the command ends a host process by its id with taskkill and Stop-Process",
            ctx -> {
              Process victim =
                  ctx.closeLater(
                          new ProcessScenarios.HostProcessHandle(
                              new ProcessBuilder(ctx.probe("sleep", "60", ctx.token()))
                                  .redirectErrorStream(true)
                                  .start()))
                      .process();
              long pid = victim.pid();
              SandboxResult r =
                  runMarked(
                      ctx,
                      "taskkill /F /PID "
                          + pid
                          + " & powershell -NoProfile -NonInteractive -Command \"Stop-Process -Id "
                          + pid
                          + " -Force\"");
              victim.waitFor(500, TimeUnit.MILLISECONDS);
              verdict(ctx, WindowsJudgements.hostProcessAlive(pid, victim.isAlive(), excerpt(r)));
            })
        .judging(WINDOWS, PROC_TREE_KILL)
        .row(
            "shellExecuteStartDoesNotEscapeTree",
            "'cmd /c start' launches a JVM program through ShellExecute and exits; it must not"
                + " outlive the run",
            ctx -> {
              StringBuilder line = new StringBuilder("start \"\" /b");
              for (String part : ctx.probe("sleep", "30", ctx.token())) {
                line.append(" \"").append(part).append('"');
              }
              SandboxResult r = runMarked(ctx, line.toString());
              Thread.sleep(500);
              ProcessScenarios.noSurvivors(ctx, r);
            })
        .judging(WINDOWS)
        .row(
            "probeNetworkAllModeReachesLoopback",
            "with the network mode 'all', a JVM program reaches a loopback listener: the control"
                + " that shows the network scenarios are not passing through loopback isolation",
            ctx -> {
              Listeners.Tcp l = ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
              SandboxPolicy p = ctx.policy().network(NetworkPolicy.ALL).build();
              SandboxResult r =
                  ctx.run(p, ctx.probe("connect", "127.0.0.1", String.valueOf(l.port())));
              ctx.check(
                  l.contact(Listeners.GRACE).isPresent(),
                  "network mode 'all' did not reach a loopback listener (an AppContainer needs its"
                      + " profile exempt from loopback isolation: -D"
                      + WindowsLoopback.PROPERTY
                      + "=true, elevated): "
                      + excerpt(r));
            });
  }

  private static final String ORIGINAL_HOOK = "#!/bin/sh\necho original hook\n";

  private static void directorySymlinkToDriveRootIsRefused(ScenarioContext ctx) throws Exception {
    // A host directory outside every writable root, on the system drive where one exists.
    Path hostDir =
        Files.createDirectories(
            Path.of(System.getProperty("java.io.tmpdir"))
                .toAbsolutePath()
                .resolve("sbx4j-" + ctx.token()));
    ctx.closeLater(() -> Scratch.deleteTree(hostDir));
    Path root = hostDir.getRoot();
    Path relative = root.relativize(hostDir);
    Path planted = ctx.workspace().resolve("planted-root");
    Path made = ctx.workspace().resolve("made-root");
    // Remove the links to the drive root before the scratch tree is deleted (closed in reverse).
    ctx.closeLater(
        () -> {
          Files.deleteIfExists(planted);
          Files.deleteIfExists(made);
        });
    host(ctx, "mklink /D \"" + planted + "\" \"" + root + "\"");
    SandboxResult r =
        runMarked(
            ctx,
            "echo pwned> \"planted-root\\"
                + relative
                + "\\a.txt\" & mklink /D made-root \""
                + root
                + "\" & echo pwned> \"made-root\\"
                + relative
                + "\\b.txt\"");
    absent(ctx, r, hostDir.resolve("a.txt"), hostDir.resolve("b.txt"));
  }

  private static void processCreatedThroughTaskSchedulerDoesNotEscape(ScenarioContext ctx)
      throws Exception {
    String task = "sbx4j-" + ctx.token();
    Path target = ctx.outside().resolve("task.txt");
    ctx.closeLater(
        () ->
            new ProcessBuilder("schtasks", "/delete", "/f", "/tn", task)
                .redirectErrorStream(true)
                .start()
                .waitFor(20, TimeUnit.SECONDS));
    SandboxResult r =
        runMarked(
            ctx,
            "schtasks /create /f /tn "
                + task
                + " /sc once /st 23:59 /tr \"cmd.exe /c echo pwned> "
                + target
                + "\" & schtasks /run /tn "
                + task);
    verdict(
        ctx,
        WindowsJudgements.notCreated(
            target.toString(), appearsWithin(target, BROKER_GRACE), excerpt(r)));
    Process query =
        new ProcessBuilder("schtasks", "/query", "/tn", task).redirectErrorStream(true).start();
    query.getInputStream().readAllBytes();
    boolean registered = query.waitFor(20, TimeUnit.SECONDS) && query.exitValue() == 0;
    verdict(ctx, WindowsJudgements.noScheduledTask(task, registered, excerpt(r)));
  }

  private static void rawPhysicalDriveIsNotReadable(ScenarioContext ctx) {
    String disk = "\\\\.\\PhysicalDrive0";
    byte[] sector = new byte[512];
    int n;
    try (RandomAccessFile f = new RandomAccessFile(disk, "r")) {
      n = f.read(sector);
    } catch (IOException e) {
      ctx.skip("the host cannot read " + disk + " to compare (not elevated?): " + e.getMessage());
      return;
    }
    String hostHex = HexFormat.of().formatHex(sector, 0, Math.max(n, 0));
    ctx.assume(n > 0 && !hostHex.matches("0*"), "the first sector of " + disk + " is empty here");
    SandboxResult r = ctx.run(ctx.probe("head", disk, "512"));
    verdict(ctx, WindowsJudgements.rawDiskNotRead(hostHex, r.stdoutText(), excerpt(r)));
  }

  private static void nulWorksAndTempIsPrivate(ScenarioContext ctx) {
    String name = ctx.token() + ".txt";
    String hostTemp =
        Optional.ofNullable(System.getenv("TEMP")).orElse(System.getProperty("java.io.tmpdir"));
    SandboxResult r =
        runMarked(
            ctx,
            "(echo x> NUL && echo nul-ok) & echo TEMP=%TEMP%& (echo tmp-ok> \"%TEMP%\\"
                + name
                + "\" && type \"%TEMP%\\"
                + name
                + "\")");
    ctx.check(r.stdoutText().contains("nul-ok"), "cmd.exe could not write to NUL: " + excerpt(r));
    String seen = "";
    for (String line : r.stdoutText().split("\\R")) {
      if (line.startsWith("TEMP=")) {
        seen = line.substring("TEMP=".length());
      }
    }
    verdict(
        ctx,
        WindowsJudgements.privateTemp(
            hostTemp,
            seen,
            r.stdoutText().contains("tmp-ok"),
            Files.exists(Path.of(hostTemp).resolve(name)),
            excerpt(r)));
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
    return runMarked(ctx, line);
  }

  /** The marker file of this scenario (see {@link WindowsJudgements#marked}). */
  private static Path marker(ScenarioContext ctx) {
    return ctx.workspace().resolve(WindowsJudgements.markerName(ctx.token()));
  }

  /** Runs the cmd.exe {@code line} and its marker; fails when the marker is missing. */
  /**
   * The proxy-enforced allow-list (issue 12): the deny entry has no address-filter form, so the wfp
   * backend puts the filtering proxy on the host's loopback and permits the container only its
   * port. The listed server must be reached through it, the other listener never.
   */
  private static void proxyAllowList(ScenarioContext ctx) throws Exception {
    Path curl = ctx.requireTool("curl");
    Listeners.Tcp other = ctx.closeLater(new Listeners.Tcp(NetworkScenarios.loopbackV4()));
    try (AllowListScenarios.Server listed = new AllowListScenarios.Server(ctx)) {
      SandboxPolicy p =
          ctx.policy()
              .network(
                  NetworkPolicy.allowRules(
                      List.of("127.0.0.1:" + listed.port()), List.of("blocked.invalid")))
              .build();
      String fetch = "\"" + curl + "\" -sS --max-time 10 --noproxy \"\" http://127.0.0.1:";
      SandboxResult through = ctx.run(p, ctx.cmd(fetch + listed.port() + "/"));
      SandboxResult direct =
          ctx.run(p, ctx.probe("connect", "127.0.0.1", String.valueOf(other.port())));
      SandboxResult proxied = ctx.run(p, ctx.cmd(fetch + other.port() + "/"));
      verdict(
          ctx,
          WindowsJudgements.proxyAllowList(
              through.stdoutText().contains(listed.body),
              through.networkEvents().stream()
                  .anyMatch(
                      e ->
                          e.port() == listed.port() && e.outcome() == NetworkEvent.Outcome.ALLOWED),
              other.contact(Listeners.GRACE),
              proxied.networkEvents().stream()
                  .anyMatch(
                      e -> e.port() == other.port() && e.outcome() == NetworkEvent.Outcome.DENIED),
              excerpt(through) + "; " + excerpt(direct) + "; " + excerpt(proxied)));
    }
  }

  static SandboxResult runMarked(ScenarioContext ctx, String line) {
    return runMarked(ctx, ctx.policy().build(), line);
  }

  static SandboxResult runMarked(ScenarioContext ctx, SandboxPolicy policy, String line) {
    Path marker = marker(ctx);
    SandboxResult r = ctx.run(policy, ctx.cmd(WindowsJudgements.marked(line, marker.toString())));
    verdict(ctx, WindowsJudgements.ranAsWritten(Files.exists(marker), excerpt(r)));
    return r;
  }

  private static void verdict(ScenarioContext ctx, Optional<String> failure) {
    failure.ifPresent(ctx::fail);
  }

  private static boolean exists(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  /** Whether {@code p} exists now or appears within {@code grace} (brokers start later). */
  private static boolean appearsWithin(Path p, Duration grace) throws InterruptedException {
    long end = System.nanoTime() + grace.toNanos();
    while (!exists(p)) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(100);
    }
    return true;
  }

  private static void absent(ScenarioContext ctx, SandboxResult r, Path... paths) {
    for (Path p : paths) {
      verdict(ctx, WindowsJudgements.notCreated(p.toString(), exists(p), excerpt(r)));
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
