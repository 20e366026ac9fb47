package io.sandbox4j.benchmarks;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxRequest;
import java.io.File;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One way of running a command, as a benchmark parameter names it: {@code plain} (a bare
 * ProcessBuilder), {@code auto} (the automatic backend choice), or backend ids joined with {@code
 * +} (those backends alone, for their own aspects: every required feature they do not enforce is
 * waived, so the figure is their own cost). Linux ids: landlock, seccomp, namespaces; Windows ids:
 * appcontainer, restrictedtoken, wfp.
 */
final class Fixture implements AutoCloseable {
  static final boolean WINDOWS =
      System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

  static final Redirect DEV_NULL = Redirect.from(new File(WINDOWS ? "NUL" : "/dev/null"));

  /** Input from the null device, output and error discarded. */
  static final Redirects QUIET = new Redirects(DEV_NULL, Redirect.DISCARD, Redirect.DISCARD);

  /** The cheapest command that exists on every host of the platform. */
  static final List<String> TRUE =
      WINDOWS
          ? List.of(
              System.getenv("ComSpec") == null
                  ? "C:\\Windows\\System32\\cmd.exe"
                  : System.getenv("ComSpec"),
              "/c",
              "exit",
              "0")
          : List.of("/bin/true");

  /** The spawn benchmark's modes on this platform: plain, each backend alone, and automatic. */
  static final String[] MODES =
      WINDOWS
          ? new String[] {"plain", "appcontainer", "restrictedtoken", "wfp", "auto"}
          : new String[] {"plain", "landlock", "seccomp", "namespaces", "landlock+seccomp", "auto"};

  final String mode;
  final Path workspace;
  final Sandbox sandbox;
  private final SandboxPolicy policy;
  private final SandboxRequest template;

  Fixture(String mode, SandboxPolicy.Builder policyBuilder, Path workspace) {
    this.mode = mode;
    this.workspace = workspace;
    this.policy = policyBuilder.build();
    if (mode.equals("plain")) {
      this.sandbox = null;
      this.template = null;
      return;
    }
    this.sandbox = Sandbox.create();
    List<String> ids = mode.equals("auto") ? List.of() : Arrays.asList(mode.split("\\+"));
    SandboxRequest r = SandboxRequest.of(policy, TRUE).withBackends(ids).withRedirects(QUIET);
    if (!ids.isEmpty()) {
      r = r.withWaived(notEnforcedBy(ids));
    }
    this.template = r;
    // Fail now, with the engine's message, rather than inside the measurement loop.
    sandbox.plan(policy, ids, template.waived());
  }

  /** The backends this fixture names (empty: the automatic choice). */
  List<String> backendIds() {
    return template.backends();
  }

  /** The features waived for this fixture's backends (none for {@code auto}). */
  Set<Feature> waived() {
    return template.waived();
  }

  SandboxPolicy policy() {
    return policy;
  }

  /**
   * Runs {@code /bin/true} once and fails unless it exits 0: a benchmark whose command fails (the
   * launcher refusing the plan, exit 125) would measure the refusal, not the run.
   */
  Fixture checked() throws IOException, InterruptedException {
    int code = run(TRUE, Redirect.DISCARD);
    if (code != 0) {
      throw new IllegalStateException(
          mode + ": " + String.join(" ", TRUE) + " exited " + code + " instead of 0; not measured");
    }
    return this;
  }

  static Path newWorkspace() throws IOException {
    return Files.createTempDirectory("sandbox4j-bench");
  }

  private Set<Feature> notEnforcedBy(List<String> ids) {
    EnumSet<Feature> waived = EnumSet.copyOf(policy.requiredFeatures());
    for (String id : ids) {
      SandboxBackend b = sandbox.registry().backend(id);
      for (Isolator i : b.isolators()) {
        if (i.probe().available()) {
          waived.removeAll(i.features());
        }
      }
    }
    waived.remove(Feature.PROC_ENV_SCRUB);
    return waived;
  }

  /** Runs {@code command} to its end with stdin from /dev/null; output as {@code out} says. */
  int run(List<String> command, Redirect out) throws IOException, InterruptedException {
    if (sandbox == null) {
      Process p =
          new ProcessBuilder(command)
              .directory(workspace.toFile())
              .redirectInput(DEV_NULL)
              .redirectOutput(out)
              .redirectError(Redirect.DISCARD)
              .start();
      if (out == Redirect.PIPE) {
        p.getInputStream().transferTo(OutputSink.INSTANCE);
      }
      return p.waitFor();
    }
    SandboxRequest r =
        template.toBuilder()
            .command(command)
            .redirects(new Redirects(DEV_NULL, out, Redirect.DISCARD))
            .build();
    try (SandboxExecution e = sandbox.start(r)) {
      if (out == Redirect.PIPE) {
        e.stdout().transferTo(OutputSink.INSTANCE);
      }
      return e.waitFor().exitCode();
    }
  }

  SandboxExecution start(List<String> command) {
    return sandbox.start(template.toBuilder().command(command).redirects(QUIET).build());
  }

  @Override
  public void close() throws IOException {
    deleteTree(workspace);
  }

  /** Deletes {@code root} and everything beneath it, deepest first (best effort per entry). */
  static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Counts and drops bytes. */
  static final class OutputSink extends java.io.OutputStream {
    static final OutputSink INSTANCE = new OutputSink();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }
}
