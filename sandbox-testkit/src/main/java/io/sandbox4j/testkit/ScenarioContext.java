package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apiguardian.api.API;

/**
 * Everything a scenario needs: fresh directories (a workspace, a directory outside it, a fake
 * home), the sandbox of the target under test, ways to build commands (the portable probe, the
 * shell), and the judgement helpers. One context belongs to one scenario run.
 *
 * <p>Commands run with a wall-clock timeout ({@link #DEFAULT_TIMEOUT}) unless the scenario sets its
 * own, so that no scenario can hang the suite.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ScenarioContext {
  /** The wall-clock bound on every command a scenario runs, unless the scenario sets one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** The workspace directory holding the probe's class file. */
  public static final String PROBE_DIR = ".sbx4j-probe";

  private final Scenario scenario;
  private final TargetSession session;
  private final Path root;
  private final Path workspace;
  private final Path outside;
  private final Path home;
  private final String token;
  private final Path probeClassPath;
  private final String secret;
  private final Map<String, String> callerEnvironment = new LinkedHashMap<>();
  private final List<AutoCloseable> cleanups = new ArrayList<>();
  private final WindowsLoopback loopback = new WindowsLoopback();

  ScenarioContext(Scenario scenario, TargetSession session, Path root) throws IOException {
    this.scenario = scenario;
    this.session = session;
    this.root = root;
    this.workspace = Files.createDirectories(root.resolve("workspace"));
    this.outside = Files.createDirectories(root.resolve("outside"));
    this.home = Files.createDirectories(root.resolve("home"));
    this.token = "sbx4j" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    this.secret = "s3cr3t" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    // The probe lives in the workspace: the one place every backend must let the command read,
    // whatever it hides (a mount namespace may show nothing of the scratch directory around it).
    this.probeClassPath = Scratch.extractProbe(workspace.resolve(PROBE_DIR));
    callerEnvironment.putAll(System.getenv());
    callerEnvironment.put("HOME", home.toString());
  }

  public Scenario scenario() {
    return scenario;
  }

  /** The label of the target under test. */
  public String target() {
    return session.target().label();
  }

  /** The features the target declares (with the built-in backend's), on this host. */
  public Set<Feature> declared() {
    return session.declared();
  }

  /** A fresh, writable workspace (the policy's workspace and working directory). */
  public Path workspace() {
    return workspace;
  }

  /** A fresh directory outside every writable root. */
  public Path outside() {
    return outside;
  }

  /** A fresh home directory: {@code HOME} for the command, its credential stores denied. */
  public Path home() {
    return home;
  }

  /** A token unique to this run, to mark files, secrets and command lines. */
  public String token() {
    return token;
  }

  /**
   * A secret unique to this run, for files and variables the command must not reveal; never part of
   * a command line (shells echo their {@code $0}, which carries the {@link #token()}).
   */
  public String secret() {
    return secret;
  }

  /** The environment the policy's allow-list picks from; scenarios may add to it. */
  public Map<String, String> callerEnvironment() {
    return callerEnvironment;
  }

  /**
   * The secure default policy for {@link #workspace()}, denying the credential stores of {@link
   * #home()}, with the {@link #DEFAULT_TIMEOUT}.
   */
  public SandboxPolicy.Builder policy() {
    SandboxPolicy.Builder b =
        SandboxPolicy.builder(workspace)
            .denyCredentialStores(true, callerEnvironment)
            .resources(io.sandbox4j.api.ResourceLimits.NONE.withTimeout(DEFAULT_TIMEOUT));
    if (!session.target().automaticCombination()
        && !session.declared().contains(Feature.FS_PRIVATE_TMP)) {
      // The private temporary directory is waived for this target: give programs a temporary
      // directory in the workspace, as a user would, so that no scenario fails for a waived
      // feature.
      b.setEnv("TMPDIR", tmpInWorkspace().toString());
    }
    return b;
  }

  private Path tmpInWorkspace() {
    try {
      return Files.createDirectories(workspace.resolve(".tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} under the default {@link #policy()}. */
  public SandboxResult run(List<String> command) {
    return run(policy().build(), command);
  }

  /**
   * Runs a command to its end under {@code policy} against the target: standard input empty, the
   * output collected. A command the sandbox cannot start at all fails the scenario (over-blocked);
   * a refusal (125) fails it too, or skips it for the strict automatic target.
   */
  public SandboxResult run(SandboxPolicy policy, List<String> command) {
    return run(policy, command, false).orElseThrow();
  }

  /**
   * As {@link #run(SandboxPolicy, List)}, but a refusal to set up this policy (exit 125, or 2 for
   * an invalid value) is an outcome rather than a failure: empty, nothing ran. For scenarios where
   * refusing is one of the safe answers (a working directory that leads out of the workspace).
   */
  public Optional<SandboxResult> runUnlessRefused(SandboxPolicy policy, List<String> command) {
    return run(policy, command, true);
  }

  private Optional<SandboxResult> run(
      SandboxPolicy policy, List<String> command, boolean refusalIsAnOutcome) {
    SandboxExecution ex;
    try {
      ex = session.sandbox().start(request(policy, command));
    } catch (SandboxException e) {
      if (refusalIsAnOutcome
          && (e.exitCode() == SandboxException.EXIT_CANNOT_SANDBOX
              || e.exitCode() == SandboxException.EXIT_USAGE)) {
        return Optional.empty();
      }
      if (e.exitCode() == 126 || e.exitCode() == 127) {
        // Every command a scenario starts is an ordinary program (sh, bash, java, python3): one
        // that cannot even start would make a denial pass for the wrong reason.
        throw new ScenarioFailure(
            "the sandbox could not start " + command.get(0) + " (over-blocked): " + e.getMessage());
      }
      throw refused(policy, e);
    }
    // Output is read to its end before the execution is asked how it ended: ending it closes the
    // pipes (Process.destroyForcibly does), which would cut the output short.
    try (ex) {
      ex.stdin().close();
      CompletableFuture<byte[]> out = drain(ex.stdout());
      CompletableFuture<byte[]> err = drain(ex.stderr());
      // Bounded by the run's own timeout (which the engine enforces) plus a margin.
      Duration limit = policy.resources().timeout().orElse(DEFAULT_TIMEOUT).plusSeconds(10);
      long end = System.nanoTime() + limit.toNanos();
      CompletableFuture<Void> both = CompletableFuture.allOf(out, err);
      while (System.nanoTime() < end) {
        try {
          both.get(10, TimeUnit.MILLISECONDS);
          break; // all output read
        } catch (TimeoutException e) {
          if (!ex.isAlive()) {
            // Ended; a descendant may still hold the pipes: take what arrives within a moment.
            try {
              both.get(500, TimeUnit.MILLISECONDS);
            } catch (TimeoutException stillHeld) {
              // Judge with what was read.
            }
            break;
          }
        }
      }
      long left = Math.max(TimeUnit.SECONDS.toNanos(1), end - System.nanoTime());
      Optional<SandboxResult> ended = ex.waitFor(Duration.ofNanos(left));
      if (ended.isEmpty()) {
        ex.kill();
        throw new ScenarioFailure(
            "the command did not end within "
                + limit.toSeconds()
                + " s although its timeout is "
                + policy.resources().timeout().orElse(DEFAULT_TIMEOUT).toSeconds()
                + " s");
      }
      return Optional.of(ended.get().toBuilder().stdout(now(out)).stderr(now(err)).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScenarioFailure("interrupted while waiting for the command");
    } catch (ExecutionException e) {
      throw new ScenarioFailure("reading the command's output failed: " + e.getCause());
    }
  }

  private static byte[] now(CompletableFuture<byte[]> f) {
    return f.isDone() && !f.isCompletedExceptionally() ? f.join() : new byte[0];
  }

  /** Reads {@code in} to its end on a daemon thread; output read before an error is kept. */
  static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream buf = new ByteArrayOutputStream();
              try (in) {
                in.transferTo(buf);
                f.complete(buf.toByteArray());
              } catch (IOException e) {
                // Closed under us after the end: keep what was read.
                f.complete(buf.toByteArray());
              }
            },
            "sandbox4j-conformance-output");
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** Starts a command under {@code policy}; the scenario must close the execution. */
  public SandboxExecution start(SandboxPolicy policy, List<String> command) {
    return start(policy, command, Redirects.PIPE);
  }

  /** Starts a command with the given redirects; the scenario must close the execution. */
  public SandboxExecution start(SandboxPolicy policy, List<String> command, Redirects redirects) {
    try {
      SandboxExecution ex =
          session.sandbox().start(request(policy, command).withRedirects(redirects));
      cleanups.add(ex);
      return ex;
    } catch (SandboxException e) {
      throw refused(policy, e);
    }
  }

  /** The request the target gets: its backends, and the waivers of a target judged alone. */
  public SandboxRequest request(SandboxPolicy policy, List<String> command) {
    loopback.exempt(policy.filesystem().workspace());
    return SandboxRequest.of(policy, command)
        .withBackends(session.target().backendIds())
        .withCallerEnvironment(callerEnvironment)
        .withWaived(waivers(policy));
  }

  /** The features a run of {@code policy} waives: none for the automatic combination. */
  public Set<Feature> waivers(SandboxPolicy policy) {
    if (session.target().automaticCombination()) {
      return Set.of();
    }
    Set<Feature> waived = EnumSet.noneOf(Feature.class);
    waived.addAll(policy.requiredFeatures());
    waived.removeAll(session.declared());
    return waived;
  }

  /** The sandbox of the target, for scenarios that plan rather than run. */
  public Sandbox sandbox() {
    return session.sandbox();
  }

  private RuntimeException refused(SandboxPolicy policy, SandboxException e) {
    if (session.target().automaticCombination()
        && e.exitCode() == SandboxException.EXIT_CANNOT_SANDBOX) {
      // Strict mode: the host cannot enforce this scenario's whole policy. Not a pass.
      return new ScenarioSkipped(
          "the engine refused the scenario's policy: " + e.getMessage().replace('\n', ' '));
    }
    throw new ScenarioFailure(
        "the sandbox refused to run the scenario's command although "
            + target()
            + " declares "
            + scenario.features()
            + ": "
            + e.getMessage().replace('\n', ' '));
  }

  /** The command that runs the portable probe with these arguments in the current JVM. */
  public List<String> probe(String... args) {
    List<String> cmd = new ArrayList<>(session.probeCommand());
    cmd.add("-cp");
    cmd.add(probeClassPath.toString());
    cmd.add("io.sandbox4j.testkit.probe.Probe");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /**
   * {@code /bin/sh -c script}, with {@link #token()} as {@code $0} so that the shell's command line
   * carries the token for outside observers, and {@code args} as {@code $1...}.
   */
  public List<String> sh(String script, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", script, token));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** As {@link #sh} with bash (for /dev/tcp, /dev/udp and high file descriptors); skips without. */
  public List<String> bash(String script, String... args) {
    Path bash = requireTool("bash");
    List<String> cmd = new ArrayList<>(List.of(bash.toString(), "-c", script, token));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code python3 -c script args...}; skips without python3 on the PATH. */
  public List<String> python(String script, String... args) {
    Path python = requireTool("python3");
    List<String> cmd = new ArrayList<>(List.of(python.toString(), "-c", script));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** {@code cmd.exe /d /c line} (Windows scenarios). */
  public List<String> cmd(String line) {
    return List.of("cmd.exe", "/d", "/c", line);
  }

  /** A program on the host's PATH. */
  public Optional<Path> tool(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty() || dir.contains("/.pyenv/shims")) {
        continue; // shims resolve per user and are not the program itself
      }
      for (String ext :
          Platform.current() == Platform.WINDOWS ? List.of(".exe", ".cmd") : List.of("")) {
        Path p = Path.of(dir, name + ext);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /** A program on the host's PATH, or the scenario is skipped saying which one is missing. */
  public Path requireTool(String name) {
    return tool(name).orElseThrow(() -> new ScenarioSkipped("requires '" + name + "' on the PATH"));
  }

  /** Skips the scenario: it cannot run here, for this reason. */
  public void skip(String reason) {
    throw new ScenarioSkipped(reason);
  }

  /** Skips the scenario unless {@code condition} holds. */
  public void assume(boolean condition, String reasonIfNot) {
    if (!condition) {
      skip(reasonIfNot);
    }
  }

  /** Fails the scenario with what was observed from outside. */
  public void fail(String observed) {
    throw new ScenarioFailure(observed);
  }

  /** Fails the scenario with {@code observed} unless {@code ok}. */
  public void check(boolean ok, String observed) {
    if (!ok) {
      fail(observed);
    }
  }

  /** Whether this JVM runs as root (some scenarios need it to prepare, none to pass). */
  public boolean hostIsRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** Registers something to close when the scenario ends (listeners, host processes). */
  public <T extends AutoCloseable> T closeLater(T resource) {
    cleanups.add(resource);
    return resource;
  }

  /** A short, printable excerpt of a command's output for messages. */
  public static String excerpt(SandboxResult r) {
    String out = (r.stdoutText() + " | " + r.stderrText()).replaceAll("\\s+", " ").trim();
    return "exit "
        + r.exitCode()
        + ", output: "
        + (out.length() > 300 ? out.substring(0, 300) + "..." : out)
        + (r.notices().isEmpty() ? "" : ", the engine's notices: " + r.notices());
  }

  /** The file's content, or empty when it does not exist. */
  public static Optional<String> content(Path p) {
    try {
      return Files.isRegularFile(p) ? Optional.of(Files.readString(p)) : Optional.empty();
    } catch (IOException e) {
      return Optional.of("<unreadable: " + e.getMessage() + ">");
    }
  }

  void close() {
    for (int i = cleanups.size() - 1; i >= 0; i--) {
      try {
        cleanups.get(i).close();
      } catch (Exception e) {
        // Best effort: a failed cleanup must not hide the scenario's result.
      }
    }
    HostProcesses.killAll(token);
    loopback.close();
    Scratch.deleteTree(root);
  }
}
