package io.sandbox4j.benchmarks;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxExecution;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the benchmarks and prints Markdown tables for docs/performance.md.
 *
 * <pre>
 * java -jar sandbox-benchmarks/target/sandbox-benchmarks.jar [--quick] [--vfork] [--modes m1,m2,...]
 *     [spawn|throughput|scaling|output|memory]...
 * </pre>
 *
 * <p>{@code --vfork} starts processes in the measured JVMs with {@code
 * -Djdk.lang.Process.launchMechanism=VFORK} (plain and sandboxed alike). {@code --modes} replaces
 * the spawn benchmark's modes (default: plain, each backend of this platform alone, auto). On
 * Windows the default parts are spawn and throughput (the others use Unix commands).
 */
public final class BenchmarkMain {
  private static final String USAGE =
      "usage: sandbox-benchmarks [--quick] [--vfork] [--modes m1,m2,...]"
          + " [spawn|throughput|scaling|output|memory|gitsweep|ephemeral]...";
  private final PrintStream out;
  private final boolean quick;
  private final boolean vfork;
  private final String[] modes;

  private BenchmarkMain(PrintStream out, boolean quick, boolean vfork, String[] modes) {
    this.out = out;
    this.quick = quick;
    this.vfork = vfork;
    this.modes = modes;
  }

  public static void main(String[] args) throws Exception {
    List<String> parts = new ArrayList<>();
    boolean quick = false;
    boolean vfork = false;
    String[] modes = Fixture.MODES;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.equals("--vfork")) {
        vfork = true;
      } else if (a.equals("--modes") && i + 1 < args.length) {
        modes = args[++i].split(",");
      } else if (List.of(
              "spawn", "throughput", "scaling", "output", "memory", "gitsweep", "ephemeral")
          .contains(a)) {
        parts.add(a);
      } else {
        System.err.println(USAGE);
        System.exit(2);
      }
    }
    if (parts.isEmpty()) {
      parts =
          Fixture.WINDOWS
              ? List.of("spawn", "throughput")
              : List.of("spawn", "throughput", "scaling", "output", "memory", "gitsweep");
    }
    BenchmarkMain m = new BenchmarkMain(System.out, quick, vfork, modes);
    m.out.printf(
        "sandbox4j benchmarks on %s %s, %d cores, Java %s, process launch: %s%s%n",
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        vfork ? "VFORK" : "JDK default",
        quick ? " (--quick: short runs, wide error)" : "");
    m.out.printf("load average at start: %s%n%n", loadAverage());
    for (String p : parts) {
      switch (p) {
        case "spawn" -> m.spawn();
        case "throughput" -> m.throughput();
        case "scaling" -> m.scaling();
        case "output" -> m.output();
        case "gitsweep" -> m.gitSweep();
        case "ephemeral" -> m.ephemeral();
        default -> m.memory();
      }
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
      return String.join(" ", List.of(f).subList(0, Math.min(3, f.length)));
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private ChainedOptionsBuilder options(String benchmark) {
    ChainedOptionsBuilder o = new OptionsBuilder();
    if (vfork) {
      o = o.jvmArgsAppend("-Djdk.lang.Process.launchMechanism=VFORK");
    }
    // JMH's own progress is silenced, so standard output holds only the tables.
    return o.include(benchmark)
        .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
        .forks(1)
        .warmupIterations(quick ? 1 : 3)
        .warmupTime(TimeValue.seconds(quick ? 1 : 2))
        .measurementIterations(quick ? 2 : 5)
        .measurementTime(TimeValue.seconds(quick ? 1 : 3))
        .shouldFailOnError(true);
  }

  private void spawn() throws RunnerException {
    Collection<RunResult> rs =
        new Runner(
                options(SpawnBenchmark.class.getName())
                    .mode(Mode.SampleTime)
                    .param("mode", modes)
                    .build())
            .run();
    table(
        "Per-command cost: " + String.join(" ", Fixture.TRUE) + ", default policy, warm JVM (ms)",
        "| mode | median | p90 | median - plain | median / plain |",
        "|---|---:|---:|---:|---:|");
    Map<String, double[]> byMode = percentiles(rs, "mode");
    double plain = byMode.containsKey("plain") ? byMode.get("plain")[0] : Double.NaN;
    for (var e : byMode.entrySet()) {
      double[] v = e.getValue();
      out.printf(
          Locale.ROOT,
          "| %s | %.3f | %.3f | %+.3f | %.2fx |%n",
          e.getKey(),
          v[0],
          v[1],
          v[0] - plain,
          v[0] / plain);
    }
    out.println();
  }

  private void throughput() throws RunnerException {
    table(
        "Throughput: sandboxed "
            + String.join(" ", Fixture.TRUE)
            + " per second (automatic backends)",
        "| callers | plain runs/s | sandboxed runs/s |",
        "|---:|---:|---:|");
    for (int threads : new int[] {1, 2, 8}) {
      Collection<RunResult> rs =
          new Runner(
                  options(SpawnBenchmark.class.getName())
                      .mode(Mode.Throughput)
                      .timeUnit(TimeUnit.SECONDS)
                      .threads(threads)
                      .param("mode", "plain", "auto")
                      .build())
              .run();
      double plain = Double.NaN;
      double auto = Double.NaN;
      for (RunResult r : rs) {
        double score = r.getPrimaryResult().getScore();
        if (r.getParams().getParam("mode").equals("plain")) {
          plain = score;
        } else {
          auto = score;
        }
      }
      out.printf(Locale.ROOT, "| %d | %.0f | %.0f |%n", threads, plain, auto);
    }
    out.println();
  }

  private void scaling() throws RunnerException {
    Collection<RunResult> rs = new Runner(options(ScalingBenchmark.class.getName()).build()).run();
    table(
        "Policy size: N extra paths (half deny-read, half allow-write), auto (ms)",
        "| paths | median | p90 | median / 10 paths |",
        "|---:|---:|---:|---:|");
    Map<String, double[]> byPaths = percentiles(rs, "paths");
    double base = byPaths.getOrDefault("10", new double[] {Double.NaN})[0];
    for (String n : List.of("10", "100", "1000")) {
      double[] v = byPaths.get(n);
      if (v != null) {
        out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2fx |%n", n, v[0], v[1], v[0] / base);
      }
    }
    out.println();
  }

  private void gitSweep() throws RunnerException {
    percentileRows(
        GitSweepBenchmark.class,
        "Post-run git sweep: a workspace of N files, nothing changed (ms)",
        "| files | median | p90 |",
        "|---:|---:|---:|",
        "%.1f",
        "files");
  }

  private void ephemeral() throws RunnerException {
    Collection<RunResult> rs =
        new Runner(options(EphemeralBenchmark.class.getName() + ".run").build()).run();
    table(
        "Ephemeral workspace: "
            + String.join(" ", Fixture.TRUE)
            + ", default policy, automatic backends, layer created, mounted and discarded (ms)",
        "| workspace | median | p90 |",
        "|---|---:|---:|");
    for (RunResult r : rs) {
      var s = r.getPrimaryResult().getStatistics();
      out.printf(
          Locale.ROOT,
          "| %s | %.3f | %.3f |%n",
          r.getParams().getParam("ephemeral").equals("true") ? "ephemeral" : "direct",
          s.getPercentile(50),
          s.getPercentile(90));
    }
    Collection<RunResult> apply =
        new Runner(
                options(EphemeralBenchmark.Apply.class.getName().replace('$', '.'))
                    .warmupIterations(quick ? 2 : 5)
                    .measurementIterations(quick ? 5 : 15)
                    .build())
            .run();
    for (RunResult r : apply) {
      var s = r.getPrimaryResult().getStatistics();
      out.printf(
          Locale.ROOT,
          "| apply of %d changed files | %.1f | %.1f |%n",
          EphemeralBenchmark.Apply.FILES,
          s.getPercentile(50),
          s.getPercentile(90));
    }
    out.println();
  }

  private void output() throws RunnerException {
    percentileRows(
        OutputBenchmark.class,
        "Output volume: `head -c N /dev/zero` read through a pipe (ms)",
        "| bytes | mode | median | p90 |",
        "|---:|---|---:|---:|",
        "%.3f",
        "bytes",
        "mode");
  }

  /**
   * A section with one row per result of {@code benchmark}: the values of {@code params}, then the
   * median and p90 in {@code number} format.
   */
  private void percentileRows(
      Class<?> benchmark,
      String title,
      String columns,
      String alignment,
      String number,
      String... params)
      throws RunnerException {
    Collection<RunResult> rs = new Runner(options(benchmark.getName()).build()).run();
    table(title, columns, alignment);
    for (RunResult r : rs) {
      StringBuilder row = new StringBuilder("|");
      for (String p : params) {
        row.append(' ').append(r.getParams().getParam(p)).append(" |");
      }
      var s = r.getPrimaryResult().getStatistics();
      out.print(row);
      out.printf(
          Locale.ROOT,
          " " + number + " | " + number + " |%n",
          s.getPercentile(50),
          s.getPercentile(90));
    }
    out.println();
  }

  /** A section's heading, a blank line and the header of its Markdown table. */
  private void table(String title, String columns, String alignment) {
    out.println("### " + title);
    out.println();
    out.println(columns);
    out.println(alignment);
  }

  /** Resident memory of live sandboxes: the processes each run adds, beyond the command. */
  private void memory() throws Exception {
    int n = 20;
    Path ws = Fixture.newWorkspace();
    try (Fixture f = new Fixture("auto", SandboxPolicy.builder(ws), ws)) {
      List<SandboxExecution> live = new ArrayList<>();
      long heapBefore = usedHeap();
      for (int i = 0; i < n; i++) {
        live.add(f.start(List.of("/bin/sleep", "30")));
      }
      Thread.sleep(500);
      long heapAfter = usedHeap();
      long rss = 0;
      int processes = 0;
      long sleepRss = 0;
      for (SandboxExecution e : live) {
        for (long pid : tree(e.pid())) {
          long kb = rssKb(pid);
          rss += kb;
          processes++;
          if (command(pid).equals("sleep")) {
            sleepRss += kb;
          }
        }
      }
      for (SandboxExecution e : live) {
        e.close();
      }
      table(
          "Memory per live sandbox (" + n + " sandboxes running `sleep 30`, automatic backends)",
          "| measure | per sandbox |",
          "|---|---:|");
      out.printf(
          Locale.ROOT,
          "| processes (launcher helpers + command) | %.1f |%n",
          processes / (double) n);
      out.printf(Locale.ROOT, "| resident memory of the whole tree | %d KiB |%n", rss / n);
      out.printf(
          Locale.ROOT, "| of which the sandbox's own processes | %d KiB |%n", (rss - sleepRss) / n);
      out.printf(
          Locale.ROOT,
          "| Java heap held by the caller | %d KiB |%n",
          Math.max(0, heapAfter - heapBefore) / 1024 / n);
      out.println();
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static List<Long> tree(long pid) {
    List<Long> all = new ArrayList<>();
    all.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> all.add(d.pid())));
    return all;
  }

  private static long rssKb(long pid) throws IOException {
    Path status = Path.of("/proc", Long.toString(pid), "status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return 0;
  }

  /**
   * The process's name from /proc/PID/comm: always readable, unlike the command line of a process
   * inside another user namespace, which ProcessHandle.Info may not report.
   */
  private static String command(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /** Median and p90 of sample-mode results, keyed by one parameter's value, in name order. */
  private static Map<String, double[]> percentiles(Collection<RunResult> rs, String param) {
    Map<String, double[]> m = new TreeMap<>();
    for (RunResult r : rs) {
      var s = r.getPrimaryResult().getStatistics();
      m.put(r.getParams().getParam(param), new double[] {s.getPercentile(50), s.getPercentile(90)});
    }
    return m;
  }
}
