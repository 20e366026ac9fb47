package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.testkit.ScenarioOutcome.Status;
import io.sandbox4j.testkit.fakes.HonestBackend;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The JUnit base class as a third party uses it, against an honest fake (util-linux wrappers) and
 * the automatic combination of the same fake: the scenarios it declares must pass for real, the
 * functional ones too, and the rest is skipped with a reason.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the honest fake uses util-linux wrappers")
class HonestFakeConformanceTest extends BackendConformanceTest {

  @Override
  protected BackendUnderTest backend() {
    return BackendUnderTest.of(
        HonestBackend.ID, List.of(new HonestBackend.Provider()), List.of(HonestBackend.ID));
  }

  @Override
  protected List<BackendUnderTest> targets() {
    return List.of(
        backend(),
        BackendUnderTest.of("fake-automatic", List.of(new HonestBackend.Provider()), List.of()));
  }

  /**
   * Everything but issue 10's unix-datagram scenario: the fake's network namespace does not stop
   * unix datagrams to a pathname socket, and {@code BrokenBackendsTest} asserts that the scenario
   * catches it; nor the terminal-modes one: the fake's setsid does not restore the terminal, which
   * {@code BrokenBackendsTest} asserts too.
   */
  @Override
  protected Predicate<Scenario> scenarios() {
    return s ->
        !s.name().equals("unixDatagramToHostSocketBoundAfterLaunchIsNotDelivered")
            && !s.name().equals("terminalModesAreRestoredAfterTheRun");
  }

  @AfterAll
  void theDeclaredScenariosRanAndPassed() {
    ConformanceReport report = reports().get(0);
    for (String name :
        List.of(
            "required_resource_fileSizeLimitCapsWrites",
            "required_resource_openFileLimitCapsDescriptors",
            "required_resource_cpuSpinIsStoppedByCpuLimit",
            "required_process_commandRunsInNewSessionWithoutTerminal",
            "required_environment_apiKeysAreDropped",
            "required_functional_stdioIsBinarySafe",
            "required_functional_gitCommitWorksInWorkspace",
            "required_network_tcpV4LoopbackListenerSeesNoConnection",
            "required_network_abstractUnixSocketSeesNoConnection",
            "required_process_setsidOrphanDoesNotOutliveRun",
            "required_process_noCapabilitiesAndNoNewPrivileges",
            "required_process_hostProcessCannotBeSignalled",
            "required_process_nestedUserNamespaceGivesNoCapabilities")) {
      ScenarioOutcome o = report.outcome(name, HonestBackend.ID).orElseThrow();
      assertThat(o.status()).as(name + ": " + o.message()).isIn(Status.PASS, Status.SKIP);
      if (o.status() == Status.SKIP) {
        assertThat(o.message()).as(name).containsAnyOf("requires '", "does not declare");
      }
    }
    // The automatic combination is judged strictly: the fake cannot enforce the default policy,
    // so its scenarios are not run, with the engine's reason, and it does not conform.
    ScenarioOutcome strict =
        report.outcome("required_functional_exitCodesPassThrough", "fake-automatic").orElseThrow();
    assertThat(strict.status()).isEqualTo(Status.SKIP);
    assertThat(strict.message())
        .contains("the engine refused the scenario's policy")
        .contains("FS_WRITE_CONFINEMENT");
    assertThat(strict.blocksConformance()).isTrue();
  }
}
