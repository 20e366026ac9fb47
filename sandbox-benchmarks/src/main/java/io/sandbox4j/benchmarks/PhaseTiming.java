package io.sandbox4j.benchmarks;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxPlan;
import io.sandbox4j.core.SelectedIsolator;
import io.sandbox4j.core.git.GitSweep;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the in-process time of one sandboxed {@code /bin/true} goes, phase by phase: the engine's
 * plan, each isolator's contribution, the launcher's start and the wait (the native launcher's own
 * work and the command). Not JMH: medians of N runs after N warm-up runs, printed per phase. The
 * engine's own extras around {@code Sandbox.start} (git sweep, proxy, cleanups) are left out, so
 * the phases sum to less than the spawn benchmark's figure. Linux only.
 *
 * <pre>
 * java -cp sandbox-benchmarks/target/sandbox-benchmarks.jar io.sandbox4j.benchmarks.PhaseTiming \
 *     [RUNS [MODE [EXTRA_PATHS]]]      # defaults: 300 auto 0; MODE as in the spawn benchmark
 * </pre>
 */
public final class PhaseTiming {
  private PhaseTiming() {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    String mode = args.length > 1 ? args[1] : "auto";
    int paths = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    Path root = Fixture.newWorkspace();
    // as the scaling benchmark: half read-denied directories, half extra writable roots
    SandboxPolicy.Builder b = ScalingBenchmark.policy(root, paths);
    try (Fixture fixture = new Fixture(mode, b, root).checked()) {
      measure(fixture, runs, paths);
    }
  }

  private static void measure(Fixture fixture, int runs, int paths) throws Exception {
    Sandbox sandbox = fixture.sandbox;
    SandboxPolicy policy = fixture.policy();
    List<String> ids = fixture.backendIds();
    Set<Feature> waived = fixture.waived();
    Launcher launcher =
        sandbox.registry().launchers().stream()
            .filter(l -> l.id().equals("linux-native"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no linux-native launcher"));
    Map<String, double[]> ms = new TreeMap<>();
    for (int round = 0; round < 2; round++) {
      ms.clear();
      for (int i = 0; i < runs; i++) {
        once(sandbox, policy, ids, waived, launcher, ms, i, runs);
      }
    }
    System.out.printf(
        "PhaseTiming: %s, %d extra paths, %d runs, load average %s%n",
        fixture.mode, paths, runs, BenchmarkMain.loadAverage());
    System.out.println("| phase | median ms |");
    System.out.println("|---|---:|");
    for (Map.Entry<String, double[]> e : ms.entrySet()) {
      double[] v = e.getValue();
      Arrays.sort(v);
      System.out.printf("| %s | %.3f |%n", e.getKey().substring(2), v[v.length / 2]);
    }
    double[] whole = new double[runs];
    for (int i = 0; i < runs; i++) {
      long t = System.nanoTime();
      if (fixture.run(Fixture.TRUE, Redirect.DISCARD) != 0) {
        throw new IllegalStateException("/bin/true did not exit 0; not measured");
      }
      whole[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(whole);
    System.out.printf(
        "| whole run through Sandbox.start (sweep included) | %.3f |%n", whole[runs / 2]);
    Path ws = policy.workingDirectory();
    // the plain fixture deletes the workspace when it closes: last
    try (Fixture f = new Fixture("plain", SandboxPolicy.builder(ws), ws)) {
      double[] v = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        f.run(Fixture.TRUE, Redirect.DISCARD);
        v[i] = (System.nanoTime() - t) / 1e6;
      }
      Arrays.sort(v);
      System.out.printf("| plain spawn and wait (for comparison) | %.3f |%n", v[runs / 2]);
    }
  }

  private static void once(
      Sandbox sandbox,
      SandboxPolicy policy,
      List<String> ids,
      Set<Feature> waived,
      Launcher launcher,
      Map<String, double[]> ms,
      int i,
      int runs)
      throws Exception {
    long t0 = System.nanoTime();
    SandboxPlan plan = sandbox.plan(policy, ids, waived);
    add(ms, "0 plan (engine)", i, runs, t0);
    LaunchSpec spec =
        new LaunchSpec(policy, Fixture.TRUE, policy.workingDirectory(), System.getenv());
    spec.redirects(Fixture.QUIET);
    try {
      for (SelectedIsolator s : plan.isolators()) {
        long t = System.nanoTime();
        s.isolator().probe();
        s.isolator().contribute(policy, s.owned(), spec);
        add(ms, "1 contribute " + s.name(), i, runs, t);
      }
      long t = System.nanoTime();
      List<Path> roots = policy.filesystem().allWritableRoots();
      Instant runStart = GitSweep.clockOf(roots, Instant.now());
      add(ms, "4 git sweep (clock probe and walk)", i, runs, t);
      t = System.nanoTime();
      SandboxProcess p = launcher.launch(spec);
      add(ms, "2 launcher start", i, runs, t);
      t = System.nanoTime();
      int code = p.waitFor();
      add(ms, "3 wait (launcher and command)", i, runs, t);
      if (code != 0) {
        throw new IllegalStateException("/bin/true exited " + code + "; not measured");
      }
      t = System.nanoTime();
      GitSweep.Outcome swept = new GitSweep(roots, runStart, System.getenv(), HOME).run();
      add(ms, "4 git sweep (clock probe and walk)", i, runs, t);
      if (swept.failed() || !swept.notices().isEmpty()) {
        throw new IllegalStateException("the git sweep found something: " + swept);
      }
    } finally {
      spec.runCleanups();
    }
    add(ms, "5 total", i, runs, t0);
  }

  /** As the engine takes it: $HOME, else user.home. */
  private static final Path HOME =
      Path.of(
          System.getenv("HOME") != null && !System.getenv("HOME").isEmpty()
              ? System.getenv("HOME")
              : System.getProperty("user.home"));

  private static void add(Map<String, double[]> ms, String phase, int i, int runs, long since) {
    ms.computeIfAbsent(phase, k -> new double[runs])[i] += (System.nanoTime() - since) / 1e6;
  }
}
