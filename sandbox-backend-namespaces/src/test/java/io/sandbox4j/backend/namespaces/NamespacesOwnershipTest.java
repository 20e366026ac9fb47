package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.FakeLinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Each isolator given a subset of its features contributes only for that subset. */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs or plans the Linux namespaces backend (Linux paths, mounts, the native launcher)")
class NamespacesOwnershipTest {
  @TempDir Path tmp;

  private static Optional<LinuxLaunchPlan> contribute(
      Isolator isolator, SandboxPolicy policy, Set<Feature> owned) {
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), policy.workingDirectory(), Map.of());
    isolator.contribute(policy, owned, spec);
    return spec.findExtension(LinuxLaunchPlan.class);
  }

  private SandboxPolicy policy() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    Path secret = Files.createDirectories(tmp.resolve("secret"));
    return SandboxPolicy.builder(ws)
        .denyCredentialStores(false, Map.of())
        .denyRead(secret)
        .resources(
            ResourceLimits.NONE
                .withMemoryBytes(1L << 30)
                .withCpuTime(Duration.ofSeconds(5))
                .withMaxProcesses(10)
                .withMaxOpenFiles(64))
        .build();
  }

  @Test
  void anIsolatorThatOwnsNothingAddsNothing() throws Exception {
    SandboxPolicy p = policy();
    for (Isolator i : new NamespacesBackend(FakeLinuxHost.ordinaryUser()).isolators()) {
      Optional<LinuxLaunchPlan> plan = contribute(i, p, Set.of());
      plan.ifPresent(
          pl -> {
            assertThat(pl.namespaces()).as(i.id()).isEmpty();
            assertThat(pl.mounts()).as(i.id()).isEmpty();
            assertThat(pl.rlimits()).as(i.id()).isEmpty();
            assertThat(pl.seccompFilters()).as(i.id()).isEmpty();
            assertThat(pl.isNewSession()).as(i.id()).isFalse();
          });
    }
  }

  @Test
  void theFilesystemIsolatorMasksOnlyWhenItOwnsTheDenyList() throws Exception {
    SandboxPolicy p = policy();
    Path secret = tmp.resolve("secret");
    NamespacesFilesystemIsolator fs =
        new NamespacesFilesystemIsolator(FakeLinuxHost.ordinaryUser());

    LinuxLaunchPlan tmpOnly = contribute(fs, p, Set.of(Feature.FS_PRIVATE_TMP)).orElseThrow();
    assertThat(tmpOnly.mounts()).noneMatch(m -> m.path().startsWith(secret));
    assertThat(tmpOnly.mounts()).noneMatch(m -> m.kind() == MountKind.READ_ONLY_BIND);
    assertThat(tmpOnly.mounts()).anyMatch(m -> m.path().equals(Path.of("/tmp")));
    // the pid namespace comes with every contribution (no /proc/<pid>/root around the mounts)
    assertThat(tmpOnly.namespaces()).contains(Namespace.PID);

    LinuxLaunchPlan denyOnly = contribute(fs, p, Set.of(Feature.FS_READ_DENY)).orElseThrow();
    assertThat(denyOnly.mounts()).anyMatch(m -> m.path().equals(secret));
    assertThat(denyOnly.mounts()).noneMatch(m -> m.path().equals(Path.of("/tmp")));
    assertThat(denyOnly.mounts()).noneMatch(m -> m.kind() == MountKind.READ_ONLY_BIND);
    assertThat(denyOnly.namespaces()).contains(Namespace.PID);
  }

  @Test
  void theProcessIsolatorAddsOnlyTheNamespacesOfWhatItOwns() throws Exception {
    SandboxPolicy p = policy();
    NamespacesProcessIsolator proc = new NamespacesProcessIsolator(FakeLinuxHost.ordinaryUser());

    LinuxLaunchPlan noPriv = contribute(proc, p, Set.of(Feature.PROC_NO_PRIVILEGES)).orElseThrow();
    assertThat(noPriv.namespaces()).containsExactlyInAnyOrder(Namespace.USER, Namespace.MOUNT);
    assertThat(noPriv.isNewSession()).isFalse();

    LinuxLaunchPlan treeKill = contribute(proc, p, Set.of(Feature.PROC_TREE_KILL)).orElseThrow();
    assertThat(treeKill.namespaces()).contains(Namespace.PID).doesNotContain(Namespace.IPC);
    assertThat(treeKill.hostname()).isEmpty();

    LinuxLaunchPlan all = contribute(proc, p, proc.requiredBy(p)).orElseThrow();
    assertThat(all.namespaces())
        .contains(Namespace.USER, Namespace.PID, Namespace.IPC, Namespace.UTS);
    assertThat(all.hostname()).contains("sandbox4j");
    assertThat(all.isNewSession()).isTrue();

    // PROC_NEW_SESSION is not declared where TIOCSTI is on, so owning it alone adds nothing there
    assertThat(contribute(proc, p, Set.of(Feature.PROC_NEW_SESSION))).isEmpty();
    NamespacesProcessIsolator noTiocsti =
        new NamespacesProcessIsolator(FakeLinuxHost.ordinaryUser().withLegacyTiocsti(false));
    LinuxLaunchPlan session =
        contribute(noTiocsti, p, Set.of(Feature.PROC_NEW_SESSION)).orElseThrow();
    assertThat(session.isNewSession()).isTrue();
    assertThat(session.namespaces()).doesNotContain(Namespace.PID);
  }

  @Test
  void theResourceIsolatorSetsOnlyTheLimitsItOwns() throws Exception {
    SandboxPolicy p = policy();
    NamespacesResourceIsolator res = new NamespacesResourceIsolator(FakeLinuxHost.ordinaryUser());
    LinuxLaunchPlan some =
        contribute(res, p, EnumSet.of(Feature.RES_MEMORY, Feature.RES_OPEN_FILES)).orElseThrow();
    assertThat(some.rlimits().keySet()).containsExactlyInAnyOrder(Rlimit.AS, Rlimit.NOFILE);
    assertThat(some.namespaces()).doesNotContain(Namespace.PID);

    LinuxLaunchPlan procs = contribute(res, p, Set.of(Feature.RES_MAX_PROCS)).orElseThrow();
    assertThat(procs.rlimits().keySet()).containsExactly(Rlimit.NPROC);
    assertThat(procs.namespaces()).contains(Namespace.PID);
  }
}
