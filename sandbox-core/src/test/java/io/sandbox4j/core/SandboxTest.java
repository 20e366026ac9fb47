package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
  private static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");

  @TempDir Path workspace;
  @TempDir Path cache;

  private static final String SEARCH_PATH =
      String.join(
          File.pathSeparator, workspaceIndependent("usr", "bin"), workspaceIndependent("bin"));

  private static String workspaceIndependent(String first, String... more) {
    return Path.of("").toAbsolutePath().getRoot().resolve(Path.of(first, more)).toString();
  }

  /** The platform's own shell, so that the same test runs on Linux and on Windows. */
  private static List<String> shell(String posix, String windowsCmd) {
    return WINDOWS ? List.of("cmd.exe", "/d", "/c", windowsCmd) : List.of("sh", "-c", posix);
  }

  @Test
  void refusesWhenNothingEnforcesTheDefaultPolicyAndNamesEachGap() {
    Sandbox sandbox = Sandbox.create(List.of());
    assertThatThrownBy(() -> sandbox.run(SandboxPolicy.defaults(workspace), List.of("true")))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining("FS_WRITE_CONFINEMENT")
        .hasMessageContaining("NET_DENY_ALL")
        .hasMessageContaining("nothing was run");
  }

  @Test
  void refusalNamesBackendsThatCouldCoverAndWhyTheyAreUnavailable() {
    FakeBackend fs =
        new FakeBackend("fsonly", 10)
            .isolator(
                "filesystem", Availability.unavailable("needs kernel 9.9"), Feature.FS_READ_DENY);
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(fs)));
    assertThatThrownBy(() -> sandbox.plan(SandboxPolicy.defaults(workspace), List.of()))
        .hasMessageContaining(
            "read deny-list (FS_READ_DENY): could be enforced by fsonly"
                + " (unavailable: needs kernel 9.9)");
  }

  @Test
  void refusalsFirstLineNamesTheCauseThatUnlocksMostButNeverAnotherOperatingSystem() {
    String os = System.getProperty("os.name");
    FakeBackend foreign =
        new FakeBackend("foreign", 1)
            .isolator(
                "all",
                Availability.unavailable("requires Plan 9 (this host is " + os + ")"),
                Feature.FS_PRIVATE_TMP,
                Feature.FS_PROTECTED_PATHS,
                Feature.PROC_TREE_KILL);
    FakeBackend ns =
        new FakeBackend("ns", 5)
            .isolator(
                "fs",
                Availability.unavailable("user namespaces are off (kernel.knob=0); set it to 1"),
                Feature.FS_PRIVATE_TMP,
                Feature.FS_PROTECTED_PATHS);
    EnumSet<Feature> most = EnumSet.allOf(Feature.class);
    most.removeAll(
        EnumSet.of(
            Feature.PROC_ENV_SCRUB,
            Feature.RES_TIMEOUT,
            Feature.FS_PRIVATE_TMP,
            Feature.FS_PROTECTED_PATHS,
            Feature.PROC_TREE_KILL));
    FakeBackend rest =
        new FakeBackend("rest", 100)
            .isolator("most", Availability.available(""), most.toArray(new Feature[0]));
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(foreign, ns, rest)));
    assertThatThrownBy(() -> sandbox.plan(SandboxPolicy.defaults(workspace), List.of()))
        .satisfies(
            e ->
                assertThat(e.getMessage().lines().findFirst().orElseThrow())
                    .isEqualTo(
                        "refusing to run: no available backend enforces these restrictions the"
                            + " policy requires: protected paths inside writable roots, private"
                            + " temporary directory and whole-tree kill; 2 of them need what"
                            + " this host lacks (the ns backend): user namespaces are off"
                            + " (kernel.knob=0); set it to 1."));
  }

  @Test
  void anAvailableIsolatorThatSaysWhyItDoesNotDeclareAFeatureCountsTowardsTheCause() {
    String lacking = "user namespaces are off (kernel.knob=0); set it to 1";
    FakeBackend ns =
        new FakeBackend("ns", 5)
            .isolator(
                "fs",
                Availability.unavailable(lacking),
                Feature.FS_PRIVATE_TMP,
                Feature.FS_PROTECTED_PATHS);
    FakeBackend rest =
        new FakeBackend("ll", 10)
            .isolator(
                "most",
                Availability.available(""),
                EnumSet.complementOf(
                        EnumSet.of(
                            Feature.PROC_ENV_SCRUB,
                            Feature.RES_TIMEOUT,
                            Feature.FS_WRITE_CONFINEMENT,
                            Feature.FS_PRIVATE_TMP,
                            Feature.FS_PROTECTED_PATHS))
                    .toArray(new Feature[0]));
    rest.whyNot.put(Feature.FS_WRITE_CONFINEMENT, lacking);
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(ns, rest)));
    assertThatThrownBy(() -> sandbox.plan(SandboxPolicy.defaults(workspace), List.of()))
        .hasMessageStartingWith(
            "refusing to run: no available backend enforces these restrictions the policy"
                + " requires: writes confined to the writable roots, protected paths inside"
                + " writable roots and private temporary directory; they need what this host"
                + " lacks (backends ll, ns): "
                + lacking
                + ".\n")
        .hasMessageContaining(
            "(FS_WRITE_CONFINEMENT): could be enforced by ll (unavailable: " + lacking + ")")
        .hasMessageEndingWith(
            "No installed backend can enforce them on this host as it is, whichever --backend is"
                + " chosen: fix what the first line names; nothing was run.");
  }

  @Test
  void automaticChoiceTakesTheFirstAvailableIsolatorByPriority() {
    FakeBackend low = FakeBackend.claimingEverything("aaa-low");
    FakeBackend high =
        new FakeBackend("zzz-high", 1)
            .isolator("fs", Availability.available(""), Feature.FS_WRITE_CONFINEMENT)
            .isolator("unused", Availability.available(""), Feature.NET_ALLOWLIST);
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(low, high)));
    SandboxPlan plan = sandbox.plan(SandboxPolicy.defaults(workspace), List.of());
    assertThat(plan.coverage().get(Feature.FS_WRITE_CONFINEMENT).name()).isEqualTo("zzz-high/fs");
    assertThat(plan.coverage().get(Feature.NET_DENY_ALL).name()).isEqualTo("aaa-low/all");
    assertThat(plan.coverage().get(Feature.PROC_ENV_SCRUB).name()).isEqualTo("core/environment");
    assertThat(plan.isolators())
        .extracting(SelectedIsolator::name)
        .containsExactly("core/environment", "zzz-high/fs", "aaa-low/all");
  }

  @Test
  void everyRequiredFeatureIsOwnedByExactlyOneIsolator() {
    FakeBackend first =
        new FakeBackend("first", 1)
            .isolator("fs", Availability.available(""), Feature.FS_READ_DENY)
            .isolator("other", Availability.available(""), Feature.NET_ALLOWLIST);
    FakeBackend second = FakeBackend.claimingEverything("second");
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(first, second)));
    SandboxPolicy policy = SandboxPolicy.defaults(workspace);
    for (List<String> ids : List.of(List.<String>of(), List.of("second", "first"))) {
      SandboxPlan plan = sandbox.plan(policy, ids);
      // "second" declares FS_READ_DENY as well, but "first" has the higher priority and owns it
      assertThat(plan.coverage().get(Feature.FS_READ_DENY).name())
          .as("%s", ids)
          .isEqualTo("first/fs");
      assertThat(plan.coverage().get(Feature.FS_WRITE_CONFINEMENT).name()).isEqualTo("second/all");
      assertThat(plan.isolators())
          .extracting(SelectedIsolator::name)
          .containsExactly("core/environment", "first/fs", "second/all");
      for (SelectedIsolator s : plan.isolators()) {
        for (SelectedIsolator t : plan.isolators()) {
          if (s != t) {
            assertThat(s.owned()).doesNotContainAnyElementsOf(t.owned());
          }
        }
      }
      assertThat(plan.coverage().keySet()).isEqualTo(policy.requiredFeatures());
      assertThat(plan.isolators().get(2).owned()).doesNotContain(Feature.FS_READ_DENY);
    }
  }

  @Test
  void unavailableIsolatorsAreNeverSelected() {
    FakeBackend broken =
        new FakeBackend("broken", 1)
            .isolator("fs", Availability.unavailable("no"), Feature.FS_WRITE_CONFINEMENT);
    FakeBackend good = FakeBackend.claimingEverything("good");
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(broken, good)));
    SandboxPlan plan = sandbox.plan(SandboxPolicy.defaults(workspace), List.of("broken", "good"));
    assertThat(plan.isolators()).extracting(SelectedIsolator::name).doesNotContain("broken/fs");
  }

  @Test
  void explicitChoiceUsesOnlyTheNamedBackendsAndRefusesTheRest() {
    FakeBackend fs =
        new FakeBackend("fs", 1)
            .isolator("fs", Availability.available(""), Feature.FS_WRITE_CONFINEMENT);
    FakeBackend all = FakeBackend.claimingEverything("all");
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(fs, all)));
    assertThatThrownBy(() -> sandbox.plan(SandboxPolicy.defaults(workspace), List.of("fs")))
        .hasMessageContaining("the chosen backends [fs] do not enforce these restrictions")
        .hasMessageContaining("NET_DENY_ALL")
        .hasMessageNotContaining("FS_WRITE_CONFINEMENT)");
  }

  @Test
  void waivedFeaturesAreNotRequiredButOthersStillAre() {
    FakeBackend fs =
        new FakeBackend("fs", 1)
            .isolator("fs", Availability.available(""), Feature.FS_WRITE_CONFINEMENT);
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(fs)));
    SandboxPolicy policy = SandboxPolicy.defaults(workspace);
    Set<Feature> waived = Set.copyOf(policy.requiredFeatures());
    waived = new java.util.HashSet<>(waived);
    waived.remove(Feature.FS_WRITE_CONFINEMENT);
    waived.remove(Feature.PROC_ENV_SCRUB);
    SandboxPlan plan = sandbox.plan(policy, List.of("fs"), waived);
    assertThat(plan.coverage())
        .containsOnlyKeys(Feature.FS_WRITE_CONFINEMENT, Feature.PROC_ENV_SCRUB);
  }

  @Test
  void unknownBackendIsBadInputListingTheKnownIds() {
    Sandbox sandbox =
        Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("alpha"))));
    assertThatThrownBy(() -> sandbox.plan(SandboxPolicy.defaults(workspace), List.of("alhpa")))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("unknown backend 'alhpa'; known backends: core, alpha");
  }

  @Test
  void duplicateBackendIdsAreRejected() {
    assertThatThrownBy(
            () ->
                Sandbox.create(
                    List.of(
                        new FakeBackendProvider(
                            FakeBackend.claimingEverything("dup"),
                            FakeBackend.claimingEverything("dup")))))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("two backends share the id 'dup'");
  }

  @Test
  void theReservedCoreIdCannotBeTaken() {
    assertThatThrownBy(
            () ->
                Sandbox.create(
                    List.of(new FakeBackendProvider(FakeBackend.claimingEverything("core")))))
        .hasMessageContaining("reserved id 'core'");
  }

  @Test
  void environmentIsRebuiltFromTheAllowList() {
    FakeBackend all = FakeBackend.claimingEverything("all");
    Sandbox sandbox = Sandbox.create(List.of(new FakeBackendProvider(all)));
    SandboxPolicy policy =
        SandboxPolicy.builder(workspace).setEnv("GREETING", "hi").passEnv("KEEP").build();
    SandboxResult r =
        sandbox.run(
            SandboxRequest.of(
                    policy, WINDOWS ? List.of("cmd.exe", "/d", "/c", "set") : List.of("env"))
                .withCallerEnvironment(
                    Map.of(
                        "PATH",
                        SEARCH_PATH,
                        "OPENAI_API_KEY",
                        "sk-secret",
                        "KEEP",
                        "kept",
                        "HOME",
                        workspace.toString(),
                        // the change-set store (a home's .cache) may not lie in the workspace
                        "XDG_CACHE_HOME",
                        cache.toString())));
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdoutText())
        .contains("GREETING=hi", "KEEP=kept", "PATH=" + SEARCH_PATH)
        .doesNotContain("sk-secret", "OPENAI_API_KEY");
    assertThat(all.contributions).containsExactly("all");
  }

  @Test
  void exitCodesAndOutputPassThrough() throws Exception {
    Sandbox sandbox =
        Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("all"))));
    Files.writeString(workspace.resolve("in.txt"), "data");
    SandboxResult r =
        sandbox.run(
            SandboxPolicy.defaults(workspace),
            shell(
                "cat in.txt; echo oops >&2; exit 7", "type in.txt & (echo oops)1>&2 & exit /b 7"));
    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.stdoutText()).isEqualTo("data");
    assertThat(r.stderrText()).isEqualTo(WINDOWS ? "oops\r\n" : "oops\n");
    assertThat(r.timedOut()).isFalse();
  }

  @Test
  void timeoutKillsTheCommandAndReports124() {
    Sandbox sandbox =
        Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("all"))));
    SandboxPolicy policy =
        SandboxPolicy.builder(workspace)
            .resources(ResourceLimits.NONE.withTimeout(Duration.ofMillis(300)))
            .build();
    SandboxResult r = sandbox.run(policy, shell("sleep 30", "ping -n 31 127.0.0.1 >NUL"));
    assertThat(r.exitCode()).isEqualTo(124);
    assertThat(r.timedOut()).isTrue();
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void missingCommandIs127AndNothingElseHappens() {
    Sandbox sandbox =
        Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("all"))));
    assertThatThrownBy(
            () ->
                sandbox.run(
                    SandboxPolicy.defaults(workspace),
                    List.of(workspace.resolve("no-such-command").toString())))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(127));
  }
}
