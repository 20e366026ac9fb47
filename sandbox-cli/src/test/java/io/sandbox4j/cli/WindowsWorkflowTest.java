package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The Windows workflow (.github/workflows/windows.yml) is where the Windows catalogue counts; this
 * reads it as YAML and checks that it still reaches and judges it (issue 11): elevation required,
 * AppContainer profiles exempt from loopback isolation, the whole build verified, the reports
 * checked for what the tests would only skip.
 */
class WindowsWorkflowTest {
  /** The testkit's switch (WindowsLoopback.PROPERTY, package-private there). */
  private static final String LOOPBACK_PROPERTY = "sandbox4j.testkit.loopbackExempt";

  private static JsonNode job;
  private static List<String> runs;

  @BeforeAll
  static void readTheWorkflow() throws Exception {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isDirectory(here.resolve(".github/workflows"))) {
      here = here.getParent();
    }
    assertThat(here).as("the project root holding .github/workflows").isNotNull();
    JsonNode workflow =
        YAMLMapper.builder()
            .build()
            .readTree(Files.readString(here.resolve(".github/workflows/windows.yml")));
    job = workflow.path("jobs").path("verify");
    runs = new ArrayList<>();
    for (JsonNode step : job.path("steps")) {
      runs.add(step.path("run").asString(""));
    }
  }

  private String stepRunning(String fragment) {
    return runs.stream()
        .filter(r -> r.contains(fragment))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step runs '" + fragment + "': " + runs));
  }

  @Test
  void runsOnWindowsAndFailsUnlessElevated() {
    assertThat(job.path("runs-on").asString("")).isEqualTo("windows-latest");
    String check = stepRunning("WindowsBuiltInRole]::Administrator");
    assertThat(check).contains("if (-not $elevated)").contains("exit 1");
    assertThat(runs.indexOf(check))
        .as("elevation is checked before the build")
        .isLessThan(runs.indexOf(stepRunning("mvnw.cmd -B -ntp verify")));
  }

  @Test
  void verifiesEveryModuleWithTheLoopbackExemption() {
    String verify = stepRunning("mvnw.cmd -B -ntp verify");
    assertThat(verify)
        .contains("-D" + LOOPBACK_PROPERTY + "=true")
        .doesNotContain("-pl ", "-DskipTests", "-Dtest=", "-Dsurefire", "-fae", "-Dmaven.test");
  }

  @Test
  void failsWhenTheReportsShowWfpOrAnotherBackendUnjudged() {
    String check = stepRunning("EveryBackendConformanceTest.json");
    assertThat(check)
        .contains("'appcontainer', 'restrictedtoken', 'wfp'")
        .contains("$t.notes")
        .contains("results.wfp")
        .contains("exit 1");
    JsonNode step = stepWhoseRunContains("EveryBackendConformanceTest.json");
    assertThat(step.path("if").asString("")).isEqualTo("always()");
  }

  @Test
  void theProfileNameTheExemptionUsesIsTheWindowsLaunchersOwn() throws Exception {
    // The testkit finds it by reflection; this fails when the launcher renames it.
    Class<?> planner = Class.forName("io.sandbox4j.launcher.windows.WindowsPlanner");
    Object name = planner.getMethod("profileName", Path.class).invoke(null, Path.of("ws"));
    assertThat(name).asString().matches("sandbox4j\\.[0-9a-f]{32}");
  }

  private JsonNode stepWhoseRunContains(String fragment) {
    for (JsonNode step : job.path("steps")) {
      if (step.path("run").asString("").contains(fragment)) {
        return step;
      }
    }
    throw new AssertionError("no step runs '" + fragment + "'");
  }
}
