package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.testkit.ScenarioOutcome.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The catalogue as JUnit 5 tests. A backend's build extends this class in a few lines:
 *
 * <pre>{@code
 * class LandlockConformanceTest extends BackendConformanceTest {
 *   protected BackendUnderTest backend() {
 *     return BackendUnderTest.discovered("landlock");
 *   }
 * }
 * }</pre>
 *
 * <p>Every scenario becomes a test named {@code level_category_name} (for example {@code
 * required_filesystem_hardLinkOutOfWorkspaceIsRefused}): passed, failed with what was observed, or
 * skipped with the reason. The scenarios run in parallel where safe before the tests report them;
 * at the end the matrix is logged and written to {@code target/sandbox4j-conformance/<test
 * class>.txt} and {@code .json}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class BackendConformanceTest {
  private static final Logger LOG = System.getLogger(BackendConformanceTest.class.getName());

  private final List<ConformanceReport> reports = new ArrayList<>();

  /** The backend (or combination) under test. */
  protected abstract BackendUnderTest backend();

  /** More targets to judge in the same run (default: only {@link #backend()}). */
  protected List<BackendUnderTest> targets() {
    return List.of(backend());
  }

  /** Which scenarios to run (default: all). */
  protected Predicate<Scenario> scenarios() {
    return s -> true;
  }

  @TestFactory
  List<DynamicNode> conformance() {
    ConformanceReport report =
        ConformanceRunner.builder().targets(targets()).filter(scenarios()).build().run();
    reports.add(report);
    List<DynamicNode> containers = new ArrayList<>();
    for (ConformanceReport.TargetInfo t : report.targets()) {
      List<DynamicNode> tests = new ArrayList<>();
      for (ScenarioOutcome o : report.outcomes()) {
        if (o.target().equals(t.label())) {
          tests.add(DynamicTest.dynamicTest(o.scenario().testName(), () -> replay(o)));
        }
      }
      containers.add(DynamicContainer.dynamicContainer(t.label(), tests));
    }
    return containers;
  }

  private static void replay(ScenarioOutcome o) {
    if (o.status() == Status.FAIL) {
      throw new AssertionFailedError(o.message());
    }
    if (o.status() == Status.SKIP) {
      throw new TestAbortedException(o.message());
    }
  }

  @AfterAll
  void writeMatrix(TestReporter reporter) {
    for (ConformanceReport report : reports) {
      String table = report.toTable();
      LOG.log(
          Logger.Level.INFO,
          "sandbox4j conformance matrix for {0}:\n{1}",
          getClass().getSimpleName(),
          table);
      try {
        Path dir = Files.createDirectories(Path.of("target", "sandbox4j-conformance"));
        Path txt = dir.resolve(getClass().getSimpleName() + ".txt");
        Files.writeString(txt, table);
        Files.writeString(dir.resolve(getClass().getSimpleName() + ".json"), report.toJson());
        reporter.publishEntry("sandbox4j-conformance-matrix", txt.toAbsolutePath().toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the conformance matrix", e);
      }
    }
  }

  /** The reports of this class's run, for subclasses that assert on the matrix. */
  protected List<ConformanceReport> reports() {
    return List.copyOf(reports);
  }
}
