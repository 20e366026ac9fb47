package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(value = OS.LINUX, disabledReason = "the system directories checked are Linux's")
class SystemRootsTest {
  @TempDir Path tmp;

  private void refused(Path root, List<Path> optIns, String... reason) {
    assertThatThrownBy(() -> SystemRoots.check(root, "--allow-write", optIns, List.of(home())))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--allow-write: '" + root + "'")
        .hasMessageContainingAll(reason);
  }

  private void accepted(Path root, List<Path> optIns) {
    assertThatCode(() -> SystemRoots.check(root, "--allow-write", optIns, List.of(home())))
        .doesNotThrowAnyException();
  }

  private Path home() {
    return tmp.resolve("home");
  }

  @Test
  void kernelInterfacesAreNeverWritableOptedInOrNot() {
    for (String p : List.of("/proc", "/proc/sys/kernel", "/sys", "/sys/fs/cgroup", "/dev/shm")) {
      refused(Path.of(p), List.of(Path.of(p)), "never a writable root", "/proc, /sys and /dev");
    }
  }

  @Test
  void aLinkToTheKernelInterfaceIsRefusedByItsRealPath() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("sysctl"), Path.of("/proc/sys"));
    refused(link, List.of(), "(that is '/proc/sys')", "lies in /proc");
  }

  @Test
  void systemDirectoriesNeedTheOptIn() {
    for (String p : List.of("/etc", "/etc/cron.d", "/usr", "/usr/local/bin", "/var", "/var/lib")) {
      refused(Path.of(p), List.of(), "--allow-system-write", "filesystem.allow-system-write");
      accepted(Path.of(p), List.of(Path.of(p)));
    }
    refused(Path.of("/"), List.of(), "the root directory");
    accepted(Path.of("/"), List.of(Path.of("/")));
  }

  @Test
  void installedSoftwareAndServiceDataNeedTheOptIn() {
    // Found by the red team: as root the command rewrote software under /opt.
    for (String p : List.of("/opt", "/opt/vendor/bin", "/srv", "/srv/www")) {
      refused(Path.of(p), List.of(), "the system directory /", "--allow-system-write");
    }
  }

  @Test
  void homesAndMountPointDirectoriesNeedTheOptInOnlyAsAWhole() {
    for (String p : List.of("/home", "/mnt", "/media")) {
      refused(Path.of(p), List.of(), "the directory " + p + " as a whole", "--allow-system-write");
      accepted(Path.of(p), List.of(Path.of(p)));
      accepted(Path.of(p, "someone", "project"), List.of());
    }
  }

  @Test
  void anOptInCoversThatDirectoryOnlyNotWhatLiesBeneath() {
    refused(Path.of("/etc/cron.d"), List.of(Path.of("/etc")), "beneath the system directory /etc");
  }

  @Test
  void varTmpAndVarCacheNeedNone() throws IOException {
    accepted(Path.of("/var/tmp"), List.of());
    accepted(Path.of("/var/cache"), List.of());
  }

  @Test
  void linksAndDotDotSpellingsCountAsTheDirectory() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("etc"), Path.of("/etc"));
    refused(link, List.of(), "(that is '/etc')", "the system directory /etc");
    accepted(link, List.of(Path.of("/etc")));
    refused(tmp.resolve("../../usr/lib").normalize(), List.of(), "/usr");
  }

  @Test
  void aLinkToTheRootDirectoryMustBeNamedAsSlash() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("root"), Path.of("/"));
    refused(link, List.of(link, Path.of("/")), "name '/' itself");
  }

  @Test
  void theHomeAsAWholeAndItsAncestorsNeedTheOptInButAProjectBeneathDoesNot() throws IOException {
    Path project = Files.createDirectories(home().resolve("project"));
    accepted(project, List.of());
    refused(home(), List.of(), "the account's home " + home() + " as a whole");
    accepted(home(), List.of(home()));
    refused(tmp, List.of(), "an ancestor of the account's home");
  }

  @Test
  void anOrdinaryDirectoryIsAccepted() throws IOException {
    accepted(Files.createDirectories(tmp.resolve("elsewhere")), List.of());
  }

  @Test
  void theEngineChecksEveryRootOfAPolicy() {
    SandboxPolicy p = SandboxPolicy.builder(tmp).allowWrite(Path.of("/proc/sys")).build();
    assertThatThrownBy(() -> SystemRoots.check(p, List.of()))
        .hasMessageStartingWith("writable root: '/proc/sys'");
  }

  @Test
  void slashOptedInKeepsProcSysAndDevReadOnly() {
    SandboxPolicy p =
        SandboxPolicy.builder(tmp).allowWrite(Path.of("/")).allowSystemWrite(Path.of("/")).build();
    assertThatCode(() -> SystemRoots.check(p, List.of())).doesNotThrowAnyException();
    assertThat(p.filesystem().writeDeny()).containsAll(SystemRoots.NEVER_WRITABLE);
    assertThat(p.toBuilder().build().filesystem().systemWriteOptIns())
        .containsExactly(Path.of("/"));
  }
}
