package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadOnlyHostViewTest {

  @Test
  void theWholeTreeBecomesReadOnlyFirstAndWritableRootsWritableAgain() {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    plan.addMount(Mount.of(MountKind.PIN, Path.of("/work/ws")));
    plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
    new ReadOnlyHostView()
        .apply(plan, List.of(Path.of("/work/ws"), Path.of("/tmp/ws")), List.of(Path.of("/tmp")));
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.MOUNT);
    assertThat(plan.mounts())
        .as("read-only tree first, the pin of a writable root replaced by its writable bind")
        .containsExactly(
            Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")),
            Mount.of(MountKind.PROC, Path.of("/proc")),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/work/ws")));
  }

  @Test
  void writeConfinementIsClaimedOnlyWithAUserNamespaceForTheView() {
    assertThat(LandlockFilesystemIsolator.featuresFor(7, true))
        .contains(Feature.FS_WRITE_CONFINEMENT);
    assertThat(LandlockFilesystemIsolator.featuresFor(7, false))
        .doesNotContain(Feature.FS_WRITE_CONFINEMENT);
    var isolator =
        new LandlockFilesystemIsolator(
            FakeLinuxHost.withoutUserNamespaces(7),
            new LandlockContribution(new LandlockPlanner(new NioPathInspector())));
    assertThat(isolator.features()).doesNotContain(Feature.FS_WRITE_CONFINEMENT);
    assertThat(isolator.probe().detail()).contains("writes are not confined", "apparmor");
  }
}
