package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.testkit.ScenarioOutcome.Status;
import io.sandbox4j.testkit.fakes.BrokenBackends;
import io.sandbox4j.testkit.fakes.HonestBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The testkit tests itself, as the Reactive Streams TCK does: deliberately broken backends must
 * make the catalogue fail, with messages that name the scenario and what was observed from outside.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "the Linux scenarios are asserted here; BrokenBackendsPortableTest covers every OS")
class BrokenBackendsTest {
  private ConformanceReport report;

  @BeforeAll
  void runCatalogueAgainstBrokenBackends() throws IOException {
    report =
        ConformanceRunner.builder()
            .target(BrokenBackends.alone(BrokenBackends.LaxFilesystem.ID))
            .target(BrokenBackends.alone(BrokenBackends.LeakyNetwork.ID))
            .target(BrokenBackends.alone(BrokenBackends.OrphanLeaving.ID))
            .target(BrokenBackends.alone(BrokenBackends.Silent.ID))
            .target(BrokenBackends.alone(BrokenBackends.Privileged.ID))
            .filter(
                s ->
                    s.refusal()
                        || (s.category() != Category.FUNCTIONAL
                            && s.category() != Category.RESOURCE))
            .build()
            .run();
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "BrokenBackendsTest-matrix.txt"), report.toTable());
  }

  private ScenarioOutcome cell(String testName, String target) {
    return report
        .outcome(testName, target)
        .orElseThrow(() -> new AssertionError("no cell " + testName + " / " + target));
  }

  private void assertFails(String testName, String target, String observed) {
    ScenarioOutcome o = cell(testName, target);
    assertThat(o.status()).as(o.toString()).isEqualTo(Status.FAIL);
    assertThat(o.message()).startsWith(testName + " against " + target + ": ").contains(observed);
    assertThat(o.blocksConformance()).isTrue();
  }

  /** Issue 13: each private-home scenario fails when nothing hides the home. */
  @Test
  void privateHomeScenariosFailWhenTheHomeIsNotHidden() {
    String t = BrokenBackends.LaxFilesystem.ID;
    assertFails("required_filesystem_homeFilesNoListNamesAreUnreadable", t, "the secret was read");
    assertFails("required_filesystem_homeListsNothingOfItsOwn", t, "listing the home showed");
    assertFails(
        "required_filesystem_homeReadThroughALinkPointingInIsRefused", t, "the secret was read");
    assertFails(
        "required_filesystem_grantedPathAndWorkspaceInTheHomeAreReadable",
        t,
        "the secret was read");
    assertFails("required_filesystem_homeReadRestoresTheDenyListAlone", t, "the secret was read");
  }

  @Test
  void lyingFilesystemBackendFailsWithWhatWasObserved() {
    String t = BrokenBackends.LaxFilesystem.ID;
    assertFails(
        "required_filesystem_writeOutsideWorkspaceIsRefused",
        t,
        "was created outside the workspace");
    assertFails(
        "required_filesystem_probeWriteOutsideWorkspaceIsRefused", t, "created-by-java.txt");
    assertFails(
        "required_filesystem_truncateOfOutsideFileIsRefused",
        t,
        "was modified: it now holds nothing");
    assertFails("required_filesystem_hardLinkOutOfWorkspaceIsRefused", t, "was modified");
    assertFails("required_filesystem_renameOfOutsideFileIsRefused", t, "was removed or replaced");
    assertFails(
        "required_filesystem_plantedSymlinkToOutsideIsRefused", t, "via-link.txt was created");
    assertFails("required_filesystem_procSelfRootPathIsRefused", t, "via-proc.txt was created");
    assertFails("required_filesystem_gitHooksAreReadOnly", t, ".git/hooks/pre-commit was created");
    assertFails("required_filesystem_gitConfigIsReadOnly", t, "fsmonitor");
    assertFails("required_filesystem_gitDirectorySwapIsRefused", t, "after swapping .git");
    assertFails("required_filesystem_credentialStoresAreUnreadable", t, "the secret was read");
    assertFails(
        "required_filesystem_credentialReadThroughHardLinkIsRefused", t, "the secret was read");
    assertFails("required_filesystem_privateTmpIsNotShared", t, "temporary");
    if ("root".equals(System.getProperty("user.name"))) {
      // run by root, only the policy keeps /etc/shadow out (issue 10)
      assertFails("required_filesystem_rootOnlyFilesAreUnreadable", t, "the command read");
    }
    assertThat(report.blocking().stream().filter(o -> o.target().equals(t)).count())
        .isGreaterThanOrEqualTo(15);
  }

  @Test
  void leakyNetworkBackendFailsWithWhatTheListenerSaw() {
    String t = BrokenBackends.LeakyNetwork.ID;
    assertFails(
        "required_network_tcpV4LoopbackListenerSeesNoConnection", t, "accepted a connection from");
    assertFails("required_network_udpV4DatagramIsNotDelivered", t, "received a datagram");
    assertFails("required_network_probeTcpConnectIsRefused", t, "accepted a connection");
    assertFails("required_network_dnsQueryToLoopbackResolverIsNotDelivered", t, ".exfil.example");
    assertFails("required_network_abstractUnixSocketSeesNoConnection", t, "abstract unix socket");
    assertFails("required_network_detachedChildCannotConnect", t, "accepted a connection");
    assertFails(
        "required_network_unixDatagramToHostSocketBoundAfterLaunchIsNotDelivered",
        t,
        "datagram(s) from inside the sandbox: [socketpair(AF_UNIX, SOCK_DGRAM) sendto");
    // An optional scenario that is not met is reported as skipped, with the observation.
    ScenarioOutcome unix =
        cell("optional_network_pathnameUnixSocketOutsideWorkspaceSeesNoConnection", t);
    assertThat(unix.status()).as(unix.message()).isEqualTo(Status.SKIP);
    assertThat(unix.message()).startsWith("optional, not met: ").contains("accepted a connection");
    assertThat(unix.blocksConformance()).isFalse();
  }

  @Test
  void aNetworkNamespaceAloneLetsUnixDatagramsOut() {
    // The honest fake's NET_DENY_ALL is a network namespace (unshare --net) and nothing else: a
    // pathname socket is a file, and a unix datagram reaches it from any namespace. Issue 10's
    // scenario must catch exactly that.
    String name = "required_network_unixDatagramToHostSocketBoundAfterLaunchIsNotDelivered";
    ConformanceReport r =
        ConformanceRunner.builder()
            .target(
                BackendUnderTest.of(
                    HonestBackend.ID,
                    List.of(new HonestBackend.Provider()),
                    List.of(HonestBackend.ID)))
            .filter(s -> s.testName().equals(name))
            .build()
            .run();
    ScenarioOutcome o = r.outcome(name, HonestBackend.ID).orElseThrow();
    Assumptions.assumeTrue(
        o.status() != Status.SKIP, () -> "the honest fake cannot run it here: " + o.message());
    assertThat(o.status()).as(o.message()).isEqualTo(Status.FAIL);
    assertThat(o.message()).contains("datagram(s) from inside the sandbox: [socket");
  }

  @Test
  void theLaunchPlanIsFoundInArgvAsTheLauncherOnceCarriedIt() {
    // the form main had before issue 10: "--plan <base64>..." with the plan's magic "S4J"
    String plan = java.util.Base64.getEncoder().encodeToString("S4J\1 plan-t0k".getBytes());
    byte[] token = "plan-t0k".getBytes();
    assertThat(
            LeakScenarios.holdsPlan(
                new String[] {"/l", "--plan", plan.substring(0, 8), plan.substring(8), "--", "sh"},
                token))
        .isTrue();
    assertThat(LeakScenarios.holdsPlan(new String[] {"/l", "--", "sh", "-c", "echo"}, token))
        .isFalse();
  }

  @Test
  void aNewSessionAloneLeavesTheTerminalModesChanged() {
    // The honest fake's new session is util-linux setsid: the command still holds the caller's
    // terminal as standard input and nothing restores its modes. Issue 10's scenario must see it.
    String name = "required_process_terminalModesAreRestoredAfterTheRun";
    ConformanceReport r =
        ConformanceRunner.builder()
            .target(
                BackendUnderTest.of(
                    HonestBackend.ID,
                    List.of(new HonestBackend.Provider()),
                    List.of(HonestBackend.ID)))
            .filter(s -> s.testName().equals(name))
            .build()
            .run();
    ScenarioOutcome o = r.outcome(name, HonestBackend.ID).orElseThrow();
    Assumptions.assumeTrue(
        o.status() != Status.SKIP, () -> "the honest fake cannot run it here: " + o.message());
    assertThat(o.status()).as(o.message()).isEqualTo(Status.FAIL);
    assertThat(o.message()).contains("kept the command's modes: changed lflag");
  }

  @Test
  void orphanLeavingBackendFailsNamingTheSurvivors() {
    String t = BrokenBackends.OrphanLeaving.ID;
    assertFails("required_process_setsidOrphanDoesNotOutliveRun", t, "outlived the run by");
    assertFails("required_process_probeOrphanDoesNotOutliveRun", t, "outlived the run by");
    assertThat(cell("required_process_setsidOrphanDoesNotOutliveRun", t).message())
        .contains("-orphan");
    // The orphans were cleaned up by the testkit afterwards. Judged by this run's own tokens:
    // other builds on the machine may have orphans of their own at this moment.
    for (String scenario :
        List.of(
            "required_process_setsidOrphanDoesNotOutliveRun",
            "required_process_probeOrphanDoesNotOutliveRun")) {
      java.util.regex.Matcher token =
          java.util.regex.Pattern.compile("sbx4j[0-9a-f]{16}").matcher(cell(scenario, t).message());
      assertThat(token.find()).as("the message of %s names the token", scenario).isTrue();
      assertThat(HostProcesses.withToken(token.group())).as(scenario).isEmpty();
    }
  }

  @Test
  void lyingProcessBackendFailsSeenFromTheHost() {
    String t = BrokenBackends.Privileged.ID;
    ScenarioOutcome caps = cell("required_process_noCapabilitiesAndNoNewPrivileges", t);
    assertThat(caps.status()).isEqualTo(Status.FAIL);
    assertThat(caps.message()).containsAnyOf("holds capabilities: CapEff", "has NoNewPrivs 0");
    assertFails(
        "required_process_commandRunsInNewSessionWithoutTerminal",
        t,
        "shares the caller's session");
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "the remaining attacks only succeed without a sandbox when the host runs as root");
    assertFails("required_process_terminalInjectionIsRefused", t, "received injected input");
    assertFails("required_process_hostProcessCannotBeSignalled", t, "from inside the sandbox");
    assertFails(
        "required_process_hostProcessCannotBeTraced", t, "was traced from inside the sandbox");
    assertFails("required_process_hostProcessProcFilesAreUnreadable", t, "the secret was read");
    assertFails("required_process_setuidBinaryGainsNothing", t, "wrote as its owner");
    assertFails("required_process_nestedUserNamespaceGivesNoCapabilities", t, "holds CapEff");
    assertFails("required_process_deviceNodeCannotBeCreated", t, "character device node");
  }

  @Test
  void lyingLimitsBackendFailsWithWhatTheHostCounted() {
    String t = BrokenBackends.LaxLimits.ID;
    ConformanceReport limits =
        ConformanceRunner.builder()
            .target(BrokenBackends.alone(t))
            .filter(
                s ->
                    s.testName().equals("required_resource_forkStormIsCapped")
                        || s.testName().equals("required_resource_memoryLimitStopsLargeAllocation"))
            .build()
            .run();
    ScenarioOutcome fork = limits.outcome("required_resource_forkStormIsCapped", t).orElseThrow();
    assertThat(fork.status()).as(fork.message()).isEqualTo(Status.FAIL);
    assertThat(fork.message())
        .containsPattern("\\d+ sandboxed processes ran at once under max-procs 16");
    ScenarioOutcome mem =
        limits.outcome("required_resource_memoryLimitStopsLargeAllocation", t).orElseThrow();
    assertThat(mem.status()).as(mem.message()).isIn(Status.FAIL, Status.SKIP);
    if (mem.status() == Status.FAIL) {
      assertThat(mem.message())
          .contains("768 MiB were allocated and touched under a 256 MiB limit");
    } else {
      assertThat(mem.message()).isEqualTo("requires 'python3' on the PATH");
    }
  }

  @Test
  void combinationIsJudgedOnTheUnionOfItsDeclarations() {
    List<io.sandbox4j.api.spi.BackendProvider> modules = List.of(new BrokenBackends.Provider());
    BackendUnderTest both =
        BackendUnderTest.of(
            "lax+leaky",
            modules,
            List.of(BrokenBackends.LaxFilesystem.ID, BrokenBackends.LeakyNetwork.ID));
    ConformanceReport r =
        ConformanceRunner.builder()
            .target(both)
            .filter(
                s ->
                    List.of(
                            "required_filesystem_mkdirOutsideIsRefused",
                            "required_network_probeTcpConnectIsRefused",
                            "required_process_undeclaredProcTreeKillIsRefused",
                            "required_network_undeclaredNetDenyAllIsRefused")
                        .contains(s.testName()))
            .build()
            .run();
    assertThat(
            r.outcome("required_filesystem_mkdirOutsideIsRefused", "lax+leaky")
                .orElseThrow()
                .status())
        .isEqualTo(Status.FAIL);
    assertThat(
            r.outcome("required_network_probeTcpConnectIsRefused", "lax+leaky")
                .orElseThrow()
                .status())
        .isEqualTo(Status.FAIL);
    assertThat(
            r.outcome("required_process_undeclaredProcTreeKillIsRefused", "lax+leaky")
                .orElseThrow()
                .status())
        .isEqualTo(Status.PASS);
    assertThat(
            r.outcome("required_network_undeclaredNetDenyAllIsRefused", "lax+leaky")
                .orElseThrow()
                .status())
        .isEqualTo(Status.SKIP);
  }

  @Test
  void lyingBackendsAreOnlyJudgedOnWhatTheyDeclare() {
    ScenarioOutcome o =
        cell(
            "required_network_tcpV4LoopbackListenerSeesNoConnection",
            BrokenBackends.LaxFilesystem.ID);
    assertThat(o.status()).isEqualTo(Status.SKIP);
    assertThat(o.applicable()).isFalse();
    assertThat(o.message()).contains("does not declare [NET_DENY_ALL]");
  }

  @Test
  void backendDeclaringNothingShowsEveryFeatureNeedingPolicyRefused() {
    String t = BrokenBackends.Silent.ID;
    List<Feature> coreFeatures = List.of(Feature.PROC_ENV_SCRUB, Feature.RES_TIMEOUT);
    for (Feature f : Feature.values()) {
      String name =
          "required_"
              + Category.of(f.aspect()).displayName()
              + "_undeclared"
              + RefusalScenarios.camel(f)
              + "IsRefused";
      ScenarioOutcome o = cell(name, t);
      if (coreFeatures.contains(f)) {
        assertThat(o.status()).as(name).isEqualTo(Status.SKIP);
        assertThat(o.message()).contains("declares");
      } else {
        assertThat(o.status()).as(name + ": " + o.message()).isEqualTo(Status.PASS);
      }
    }
    // Everything else it cannot be judged on is skipped, never passed.
    assertThat(
            report.outcomes().stream()
                .filter(o -> o.target().equals(t))
                .filter(o -> !o.scenario().refusal())
                .filter(o -> !o.scenario().features().isEmpty())
                .filter(
                    o ->
                        !List.of(Feature.PROC_ENV_SCRUB, Feature.RES_TIMEOUT)
                            .containsAll(o.scenario().features()))
                .filter(o -> o.status() != Status.SKIP))
        .isEmpty();
    assertThat(
            report.outcomes().stream()
                .filter(o -> o.target().equals(t))
                .filter(ScenarioOutcome::blocksConformance))
        .isEmpty();
  }

  @Test
  void reportFailsOverallAndPrintsTheMatrix() {
    assertThat(report.conforms()).isFalse();
    String table = report.toTable();
    assertThat(table)
        .contains("required_filesystem_hardLinkOutOfWorkspaceIsRefused")
        .contains(BrokenBackends.LaxFilesystem.ID)
        .contains("Reasons:")
        .contains("FAIL [fake-lax-fs] required_filesystem_writeOutsideWorkspaceIsRefused");
  }
}
