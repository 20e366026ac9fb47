package io.sandbox4j.backend.landlock;

import static io.sandbox4j.api.Feature.FS_READ_ALLOWLIST;
import static io.sandbox4j.api.Feature.FS_READ_DENY;
import static io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.FakeLinuxHost;
import io.sandbox4j.launcher.linux.LandlockRules;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "plans Landlock rules for Linux absolute paths (/usr, /proc), which have no drive on Windows")
class LandlockIsolatorsTest {

  static LandlockBackend backend(FakeLinuxHost host) {
    return new LandlockBackend(host, LandlockPlannerTest.host());
  }

  static Isolator isolator(LandlockBackend b, String id) {
    return b.isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  static SandboxPolicy policy(NetworkPolicy net) {
    return SandboxPolicy.builder(Path.of("/home/u/proj"))
        .denyCredentialStores(false, Map.of())
        .denyRead(Path.of("/home/u/.ssh"))
        .network(net)
        .build();
  }

  static LaunchSpec spec(SandboxPolicy p) {
    return new LaunchSpec(p, List.of("true"), p.workingDirectory(), Map.of());
  }

  @Test
  void backendHasAFilesystemAndAProcessIsolatorAndNoNetworkIsolator() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7));
    assertThat(b.id()).isEqualTo("landlock");
    assertThat(b.isolators()).extracting(Isolator::id).containsExactly("filesystem", "process");
    assertThat(b.isolators())
        .extracting(Isolator::aspect)
        .containsExactly(Aspect.FILESYSTEM, Aspect.PROCESS);
  }

  @Test
  void filesystemFeaturesPerAbi() {
    for (int abi : new int[] {1, 2}) {
      assertThat(
              isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(abi)), "filesystem")
                  .features())
          .containsExactlyInAnyOrder(
              Feature.FS_READ_DENY, Feature.FS_READ_ALLOWLIST, Feature.FS_PRIVATE_HOME);
    }
    for (int abi : new int[] {3, 4, 5, 6, 7, 8}) {
      assertThat(
              isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(abi)), "filesystem")
                  .features())
          .containsExactlyInAnyOrder(
              Feature.FS_WRITE_CONFINEMENT,
              Feature.FS_READ_DENY,
              Feature.FS_READ_ALLOWLIST,
              Feature.FS_PRIVATE_HOME);
    }
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7)), "filesystem")
                .features())
        .doesNotContain(Feature.FS_PROTECTED_PATHS, Feature.FS_PRIVATE_TMP);
  }

  @Test
  void availabilityDetailSaysWhatThisAbiDoesNotEnforce() {
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(1)), "filesystem")
                .probe()
                .detail())
        .contains("ABI 1", "writes are not confined", "REFER needs ABI 2", "needs ABI 5");
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(3)), "filesystem")
                .probe()
                .detail())
        .contains("ABI 3", "needs ABI 5")
        .doesNotContain("writes are not confined");
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7)), "filesystem")
                .probe()
                .detail())
        .contains("chmod")
        .doesNotContain("needs ABI");
  }

  @Test
  void processIsolationNeedsAbi6() {
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(5)), "process")
                .probe()
                .available())
        .isFalse();
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(5)), "process")
                .probe()
                .detail())
        .contains("ABI 6");
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(6)), "process")
                .probe()
                .available())
        .isTrue();
    assertThat(
            isolator(backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(6)), "process")
                .features())
        .containsExactlyInAnyOrder(
            Feature.PROC_ISOLATION, Feature.PROC_TREE_KILL, Feature.PROC_NO_PRIVILEGES);
  }

  @Test
  void everyIsolatorIsUnavailableWithoutLandlockOrWithoutTheLauncher() {
    for (Isolator i : backend(FakeLinuxHost.ordinaryUser().withoutLandlock()).isolators()) {
      assertThat(i.probe().available()).isFalse();
      assertThat(i.probe().detail()).contains("5.13", "lsm=");
    }
    for (Isolator i :
        backend(FakeLinuxHost.ordinaryUser().withoutLauncher("no C compiler at build"))
            .isolators()) {
      assertThat(i.probe().available()).isFalse();
      assertThat(i.probe().detail()).isEqualTo("no C compiler at build");
      SandboxPolicy p = policy(NetworkPolicy.NONE);
      assertThatThrownBy(() -> i.contribute(p, i.requiredBy(p), spec(p)))
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("no C compiler at build");
    }
  }

  @Test
  void bothIsolatorsAddTheirPartsToOneRulesetPerLaunch() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7));
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    isolator(b, "process").contribute(p, isolator(b, "process").requiredBy(p), spec);
    LinuxLaunchPlan plan = spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
    assertThat(plan.landlock().orElseThrow().handledAccessFs())
        .as("the process isolator's part is its scopes alone")
        .isZero();
    isolator(b, "filesystem").contribute(p, isolator(b, "filesystem").requiredBy(p), spec);
    LandlockRules rules = plan.landlock().orElseThrow();
    assertThat(rules.handledAccessFs()).isEqualTo(0xFFFF);
    assertThat(rules.scoped())
        .isEqualTo(LandlockAccess.SCOPE_SIGNAL | LandlockAccess.SCOPE_ABSTRACT_UNIX_SOCKET);
    assertThat(rules.pathRules())
        .extracting(r -> r.path().toString())
        .doesNotContain("/home/u/.ssh");
  }

  @Test
  void abstractSocketsStayReachableWhenThePolicyAllowsTheNetwork() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7));
    SandboxPolicy p = policy(NetworkPolicy.ALL);
    LaunchSpec spec = spec(p);
    isolator(b, "process").contribute(p, isolator(b, "process").requiredBy(p), spec);
    assertThat(
            spec.findExtension(LinuxLaunchPlan.class)
                .orElseThrow()
                .landlock()
                .orElseThrow()
                .scoped())
        .isEqualTo(LandlockAccess.SCOPE_SIGNAL);
  }

  @Test
  void aDifferentRulesetAlreadyInThePlanIsRefused() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7));
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
        .addLandlock(new LandlockRules(1, 0, 0, List.of(), List.of()));
    assertThatThrownBy(
            () ->
                isolator(b, "filesystem")
                    .contribute(p, isolator(b, "filesystem").requiredBy(p), spec))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("already carries a Landlock ruleset");
  }

  @Test
  void mountPointsMadePrivateByAnotherIsolatorBecomeWritable() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser().withLandlockAbi(7));
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    isolator(b, "filesystem").contribute(p, isolator(b, "filesystem").requiredBy(p), spec);
    // Another isolator contributes the private tmpfs after Landlock did.
    LinuxLaunchPlan plan = spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
    plan.addMount(LinuxLaunchPlan.Mount.of(LinuxLaunchPlan.MountKind.TMPFS, Path.of("/tmp")));
    assertThat(plan.landlock().orElseThrow().pathRules())
        .anySatisfy(
            r -> {
              assertThat(r.path()).isEqualTo(Path.of("/tmp"));
              assertThat(r.allowedAccess()).isEqualTo(0xFFFF);
            });
  }

  @Test
  void writeConfinementIsClaimedOnlyWithAUserNamespaceForTheView() {
    assertThat(LandlockFilesystemIsolator.featuresFor(7, true))
        .contains(Feature.FS_WRITE_CONFINEMENT);
    assertThat(LandlockFilesystemIsolator.featuresFor(7, false))
        .doesNotContain(Feature.FS_WRITE_CONFINEMENT);
    var isolator =
        new LandlockFilesystemIsolator(
            FakeLinuxHost.ordinaryUser()
                .withUserNamespaces(
                    Availability.unavailable("kernel.apparmor_restrict_unprivileged_userns is 1")),
            new LandlockPlanner(new NioPathInspector()));
    assertThat(isolator.features()).doesNotContain(Feature.FS_WRITE_CONFINEMENT);
    assertThat(isolator.probe().detail()).contains("writes are not confined", "apparmor");
  }

  /** The filesystem isolator's contribution when it owns {@code owned} of the policy's features. */
  static LinuxLaunchPlan filesystemOwning(SandboxPolicy p, Feature... owned) {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser());
    LaunchSpec spec = spec(p);
    isolator(b, "filesystem").contribute(p, Set.of(owned), spec);
    return spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
  }

  static Map<String, Long> access(LinuxLaunchPlan plan) {
    return LandlockPlannerTest.access(plan.landlock().orElseThrow());
  }

  @Test
  void owningOnlyWriteConfinementAddsNoReadDenyRulesButTheView() {
    LinuxLaunchPlan plan = filesystemOwning(policy(NetworkPolicy.NONE), FS_WRITE_CONFINEMENT);
    // another isolator (the namespaces backend's masks) denies ~/.ssh: its parents stay listable
    assertThat(access(plan))
        .containsEntry("/home", LandlockPlannerTest.RX)
        .containsEntry("/home/u/proj", 0xFFFFL)
        .containsEntry("/", LandlockAccess.FS_READ_DIR)
        .doesNotContainKeys("/home/u/.bashrc", "/dev");
    assertThat(plan.landlock().orElseThrow().handledAccessFs()).isEqualTo(0xFFFF);
    assertThat(plan.landlock().orElseThrow().scoped()).as("the process isolator's").isZero();
    assertThat(plan.mounts())
        .contains(
            LinuxLaunchPlan.Mount.of(LinuxLaunchPlan.MountKind.READ_ONLY_TREE, Path.of("/")),
            LinuxLaunchPlan.Mount.of(
                LinuxLaunchPlan.MountKind.WRITABLE_BIND, Path.of("/home/u/proj")));
  }

  @Test
  void owningOnlyTheDenyListHandlesReadingAloneAndAddsNoView() {
    LinuxLaunchPlan plan = filesystemOwning(policy(NetworkPolicy.NONE), FS_READ_DENY);
    long readAndRefer = LandlockPlannerTest.RX | LandlockAccess.FS_REFER;
    assertThat(plan.landlock().orElseThrow().handledAccessFs()).isEqualTo(readAndRefer);
    assertThat(access(plan))
        .containsEntry("/home/u/.bashrc", LandlockPlannerTest.RX_FILE)
        .containsEntry("/home/v", readAndRefer)
        .containsEntry("/home/u/proj", readAndRefer)
        .doesNotContainKeys("/home/u/.ssh", "/home/u", "/home");
    assertThat(plan.mounts()).isEmpty();
    assertThat(plan.namespaces()).isEmpty();
  }

  @Test
  void owningOnlyTheAllowListLimitsReadsWithoutTheDenyList() {
    SandboxPolicy p =
        SandboxPolicy.builder(Path.of("/home/u/proj"))
            .denyCredentialStores(false, Map.of())
            .denyRead(Path.of("/home/u/.ssh"))
            .allowRead(Path.of("/home/u"))
            .build();
    LinuxLaunchPlan plan = filesystemOwning(p, FS_READ_ALLOWLIST);
    assertThat(access(plan))
        .as("the deny-list inside the allow-listed directory is another isolator's")
        .containsKey("/home/u")
        .doesNotContainKeys("/home/v", "/tmp");
    assertThat(plan.mounts()).isEmpty();
  }

  @Test
  void theProcessIsolatorScopesOnlyWhatItOwns() {
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser());
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    isolator(b, "process").contribute(p, Set.of(Feature.PROC_ISOLATION), spec);
    LandlockRules rules = spec.findExtension(LinuxLaunchPlan.class).orElseThrow().landlock().get();
    assertThat(rules.pathRules()).isEmpty();
    assertThat(rules.handledAccessFs()).isZero();
    assertThat(rules.scoped()).isNotZero();
  }

  @Test
  void owningTheTreeKillAloneStillScopesSignals() {
    // without a pid namespace only the signal scope keeps the command from killing the subreaper
    LandlockBackend b = backend(FakeLinuxHost.ordinaryUser());
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    isolator(b, "process").contribute(p, Set.of(Feature.PROC_TREE_KILL), spec);
    LandlockRules rules = spec.findExtension(LinuxLaunchPlan.class).orElseThrow().landlock().get();
    assertThat(rules.scoped() & LandlockAccess.SCOPE_SIGNAL).isNotZero();
  }
}
