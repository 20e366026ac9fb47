package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadOnlyHostViewTest {
  @TempDir Path dir;

  private ReadOnlyHostView view(String... mountPoints) throws Exception {
    StringBuilder sb = new StringBuilder();
    int id = 20;
    for (String mp : mountPoints) {
      sb.append(id++).append(" 1 0:1 / ").append(mp).append(" rw,relatime - ext4 /dev/x rw\n");
    }
    return new ReadOnlyHostView(Files.writeString(dir.resolve("mountinfo"), sb.toString()));
  }

  @Test
  void everyHostMountBecomesReadOnlyAndWritableRootsWritableAgain() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    view(
            "/",
            "/proc",
            "/proc/sys/fs/binfmt_misc",
            "/sys",
            "/dev",
            "/work/ws/mnt",
            "/tmp/x",
            "/with\\040space")
        .apply(plan, List.of(Path.of("/work/ws")), List.of(Path.of("/tmp")));
    assertThat(plan.namespaces()).contains(Namespace.USER, Namespace.MOUNT);
    assertThat(plan.mounts())
        .containsExactly(
            new Mount(MountKind.READ_ONLY_BIND, Path.of("/"), true, List.of()),
            new Mount(MountKind.READ_ONLY_BIND, Path.of("/dev"), true, List.of()),
            new Mount(MountKind.READ_ONLY_BIND, Path.of("/sys"), true, List.of()),
            new Mount(MountKind.READ_ONLY_BIND, Path.of("/with space"), true, List.of()),
            Mount.of(MountKind.WRITABLE_BIND, Path.of("/work/ws")));
  }

  @Test
  void writableRootsInsideAPrivateTmpfsNeedNoRebind() throws Exception {
    LinuxLaunchPlan plan = new LinuxLaunchPlan();
    view("/").apply(plan, List.of(Path.of("/tmp/ws")), List.of(Path.of("/tmp")));
    assertThat(plan.mounts())
        .containsExactly(new Mount(MountKind.READ_ONLY_BIND, Path.of("/"), true, List.of()));
  }

  @Test
  void theHostsRealMountTableIsRead() {
    assertThat(new ReadOnlyHostView().mountPoints()).contains(Path.of("/"));
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
