package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.testkit.ScenarioOutcome.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apiguardian.api.API;

/**
 * Runs the catalogue against backend targets without the JUnit engine and returns the matrix; what
 * the {@code conformance} command and the JUnit base class both use.
 *
 * <pre>{@code
 * ConformanceReport report = ConformanceRunner.builder()
 *     .target(BackendUnderTest.discovered("landlock"))
 *     .target(BackendUnderTest.automatic())
 *     .build()
 *     .run();
 * System.out.println(report.toTable());
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ConformanceRunner {
  /** No scenario may take longer than this, whatever it does. */
  static final Duration SCENARIO_BOUND = Duration.ofSeconds(120);

  private final List<BackendUnderTest> targets;
  private final List<Scenario> scenarios;
  private final int parallelism;
  private final Consumer<String> progress;

  private ConformanceRunner(Builder b) {
    this.targets = List.copyOf(b.targets);
    this.scenarios = List.copyOf(b.scenarios);
    this.parallelism = b.parallelism;
    this.progress = b.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Runs every scenario against every target; targets one after the other. */
  public ConformanceReport run() {
    Path root;
    try {
      root = Scratch.newRoot();
    } catch (IOException e) {
      // An environment problem the user can fix, not an internal error: say where and how.
      throw new SandboxException(
          SandboxException.EXIT_CANNOT_SANDBOX,
          "cannot create the conformance scratch directory ("
              + e
              + "): it goes under ./target when that exists, else under ~/.cache; run from a"
              + " directory you can write",
          e);
    }
    try {
      List<ConformanceReport.TargetInfo> infos = new ArrayList<>();
      List<ScenarioOutcome> outcomes = new ArrayList<>();
      int t = 0;
      for (BackendUnderTest target : targets) {
        progress.accept(
            "target "
                + (t + 1)
                + "/"
                + targets.size()
                + " ("
                + target.label()
                + "): "
                + scenarios.size()
                + " scenarios...");
        long start = System.nanoTime();
        TargetSession session = TargetSession.open(target);
        infos.add(
            new ConformanceReport.TargetInfo(
                target.label(), target.backendIds(), session.declared(), session.notes()));
        List<ScenarioOutcome> done =
            runTarget(session, Files.createDirectories(root.resolve("t" + t++)));
        outcomes.addAll(done);
        progress.accept(
            "target "
                + t
                + "/"
                + targets.size()
                + " ("
                + target.label()
                + "): "
                + count(done, ScenarioOutcome.Status.PASS)
                + " passed, "
                + count(done, ScenarioOutcome.Status.FAIL)
                + " failed, "
                + count(done, ScenarioOutcome.Status.SKIP)
                + " skipped in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms");
      }
      return new ConformanceReport(infos, scenarios, outcomes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Scratch.deleteTree(root);
    }
  }

  private static long count(List<ScenarioOutcome> outcomes, ScenarioOutcome.Status status) {
    return outcomes.stream().filter(o -> o.status() == status).count();
  }

  private List<ScenarioOutcome> runTarget(TargetSession session, Path dir) {
    List<ScenarioOutcome> out = new ArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread th = new Thread(r, "sandbox4j-conformance");
              th.setDaemon(true);
              return th;
            });
    try {
      List<Future<ScenarioOutcome>> shared = new ArrayList<>();
      List<Integer> exclusive = new ArrayList<>();
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        Path sdir = dir.resolve("s" + i);
        if (s.exclusive()) {
          exclusive.add(i);
        } else {
          shared.add(pool.submit(() -> execute(s, session, sdir)));
        }
      }
      int next = 0;
      for (int i = 0; i < scenarios.size(); i++) {
        Scenario s = scenarios.get(i);
        if (!s.exclusive()) {
          out.add(await(s, session, shared.get(next++)));
        }
      }
      for (int i : exclusive) {
        Scenario s = scenarios.get(i);
        Path sdir = dir.resolve("s" + i);
        out.add(await(s, session, pool.submit(() -> execute(s, session, sdir))));
      }
    } finally {
      pool.shutdownNow();
    }
    // Back in catalogue order.
    out.sort(java.util.Comparator.comparingInt(o -> scenarios.indexOf(o.scenario())));
    return out;
  }

  private static ScenarioOutcome await(
      Scenario s, TargetSession session, Future<ScenarioOutcome> f) {
    try {
      return f.get(SCENARIO_BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      return outcome(
          s,
          session,
          Status.FAIL,
          "did not finish within " + SCENARIO_BOUND.toSeconds() + " s",
          true,
          SCENARIO_BOUND);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      return outcome(
          s, session, Status.FAIL, "scenario error: " + e.getCause(), true, Duration.ZERO);
    }
  }

  /** Runs one scenario against one target and judges it; never throws. */
  static ScenarioOutcome execute(Scenario s, TargetSession session, Path dir) {
    if (!s.platform().runsHere()) {
      return outcome(
          s, session, Status.SKIP, "requires " + s.platform().humanName(), false, Duration.ZERO);
    }
    Set<Feature> missing = EnumSet.noneOf(Feature.class);
    missing.addAll(s.features());
    missing.removeAll(session.declared());
    if (s.refusal() && missing.isEmpty()) {
      return outcome(
          s,
          session,
          Status.SKIP,
          session.target().label()
              + " declares "
              + s.features()
              + ": judged by the scenarios that need it",
          false,
          Duration.ZERO);
    }
    if (!s.refusal() && !missing.isEmpty()) {
      return outcome(
          s,
          session,
          Status.SKIP,
          session.target().label()
              + " does not declare "
              + missing
              + " (its refusal is checked instead)",
          false,
          Duration.ZERO);
    }
    long start = System.nanoTime();
    ScenarioContext ctx = null;
    try {
      ctx = new ScenarioContext(s, session, Files.createDirectories(dir));
      try {
        s.body().run(ctx);
      } catch (ExecutionException | java.util.concurrent.CompletionException e) {
        // A scenario's own parallel work: judge by what went wrong inside.
        Throwable cause = e.getCause();
        if (cause instanceof Error err) {
          throw err;
        }
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        throw e;
      }
      return outcome(s, session, Status.PASS, "", true, since(start));
    } catch (ScenarioSkipped e) {
      return outcome(s, session, Status.SKIP, e.getMessage(), true, since(start));
    } catch (AssertionError e) {
      String observed =
          s.testName() + " against " + session.target().label() + ": " + e.getMessage();
      if (s.level() == Level.OPTIONAL) {
        return outcome(
            s, session, Status.SKIP, "optional, not met: " + observed, true, since(start));
      }
      return outcome(s, session, Status.FAIL, observed, true, since(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return outcome(s, session, Status.FAIL, "interrupted", true, since(start));
    } catch (Exception | LinkageError e) {
      if (isAbort(e)) {
        // A scenario written with JUnit's Assumptions (opentest4j), without linking to it here.
        return outcome(s, session, Status.SKIP, e.getMessage(), true, since(start));
      }
      return outcome(
          s,
          session,
          Status.FAIL,
          s.testName() + " against " + session.target().label() + ": scenario error: " + e,
          true,
          since(start));
    } finally {
      if (ctx != null) {
        ctx.close();
      }
    }
  }

  private static boolean isAbort(Throwable e) {
    for (Class<?> c = e.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals("org.opentest4j.TestAbortedException")) {
        return true;
      }
    }
    return false;
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private static ScenarioOutcome outcome(
      Scenario s,
      TargetSession session,
      Status status,
      String message,
      boolean applicable,
      Duration elapsed) {
    return new ScenarioOutcome(s, session.target().label(), status, message, applicable, elapsed);
  }

  /** Configures a run. */
  public static final class Builder {
    private final List<BackendUnderTest> targets = new ArrayList<>();
    private List<Scenario> scenarios = Catalogue.all();
    private int parallelism = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private Consumer<String> progress = line -> {};

    private Builder() {}

    /** Receives one line as each target starts and ends (for progress on a terminal). */
    public Builder progress(Consumer<String> listener) {
      this.progress = listener;
      return this;
    }

    /** Adds a target (a column of the matrix). */
    public Builder target(BackendUnderTest target) {
      targets.add(target);
      return this;
    }

    public Builder targets(List<BackendUnderTest> more) {
      targets.addAll(more);
      return this;
    }

    /** The scenarios to run (default: the whole {@link Catalogue}). */
    public Builder scenarios(List<Scenario> list) {
      this.scenarios = List.copyOf(list);
      return this;
    }

    /** Keeps only the scenarios matching {@code filter}. */
    public Builder filter(Predicate<Scenario> filter) {
      this.scenarios = scenarios.stream().filter(filter).toList();
      return this;
    }

    /** How many non-exclusive scenarios run at once (default: 2 to 4, by processors). */
    public Builder parallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
      }
      this.parallelism = n;
      return this;
    }

    public ConformanceRunner build() {
      if (targets.isEmpty()) {
        throw new IllegalStateException("no target: add at least one BackendUnderTest");
      }
      return new ConformanceRunner(this);
    }
  }
}
