package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.testkit.ScenarioOutcome.Status;
import io.sandbox4j.testkit.fakes.BrokenBackends;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The self-test with the scenarios that run on every OS (the JVM probe only), so the Windows
 * workflow checks the testkit against broken fakes too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrokenBackendsPortableTest {
  private ConformanceReport report;

  @BeforeAll
  void run() {
    report =
        ConformanceRunner.builder()
            .target(BrokenBackends.alone(BrokenBackends.LaxFilesystem.ID))
            .target(BrokenBackends.alone(BrokenBackends.LeakyNetwork.ID))
            .target(BrokenBackends.alone(BrokenBackends.OrphanLeaving.ID))
            .filter(s -> s.platform() == Platform.ANY && !s.refusal())
            .build()
            .run();
  }

  private void assertFails(String testName, String target, String observed) {
    ScenarioOutcome o = report.outcome(testName, target).orElseThrow();
    assertThat(o.status()).as(o.message()).isEqualTo(Status.FAIL);
    assertThat(o.message()).startsWith(testName + " against " + target + ": ").contains(observed);
  }

  @Test
  void portableScenariosCatchEveryBrokenFake() {
    assertFails(
        "required_filesystem_probeWriteOutsideWorkspaceIsRefused",
        BrokenBackends.LaxFilesystem.ID,
        "was created outside the workspace");
    assertFails(
        "required_filesystem_probeCredentialStoreIsUnreadable",
        BrokenBackends.LaxFilesystem.ID,
        "the secret was read");
    assertFails(
        "required_network_probeTcpConnectIsRefused",
        BrokenBackends.LeakyNetwork.ID,
        "accepted a connection");
    assertFails(
        "required_network_dnsQueryToLoopbackResolverIsNotDelivered",
        BrokenBackends.LeakyNetwork.ID,
        "received a datagram");
    assertFails(
        "required_process_probeOrphanDoesNotOutliveRun",
        BrokenBackends.OrphanLeaving.ID,
        "outlived the run by");
  }

  @Test
  void functionalAndCoreScenariosPassEverywhere() {
    for (String target :
        new String[] {BrokenBackends.LaxFilesystem.ID, BrokenBackends.LeakyNetwork.ID}) {
      for (String name :
          new String[] {
            "required_functional_javaRunsInWorkspace",
            "required_environment_apiKeysAreDropped",
            "required_resource_probeTimeoutKillsTheCommand"
          }) {
        ScenarioOutcome o = report.outcome(name, target).orElseThrow();
        assertThat(o.status()).as(name + " " + o.message()).isEqualTo(Status.PASS);
      }
    }
  }
}
