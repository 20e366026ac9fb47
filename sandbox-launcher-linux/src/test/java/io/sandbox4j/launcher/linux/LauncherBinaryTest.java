package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class LauncherBinaryTest {
  @TempDir Path cache;

  private static void assumeBuilt() {
    Assumptions.assumeTrue(
        LauncherBinary.class.getResource(LauncherBinary.resourceName()) != null,
        LauncherBinary.NOT_BUILT);
  }

  @Test
  void extractsIntoAPrivateDirectoryNamedByTheHash() throws Exception {
    assumeBuilt();
    Path file =
        new LauncherBinary(Map.of("XDG_CACHE_HOME", cache.toString()), "/nonexistent").require();
    Path dir = file.getParent();
    assertThat(dir.getParent()).isEqualTo(cache.resolve("sandbox4j"));
    assertThat(dir.getFileName().toString())
        .isEqualTo(LauncherBinary.sha256(Files.readAllBytes(file)));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("r-x------");
  }

  @Test
  void theHashShippedBesideTheBinaryIsItsSha256() throws Exception {
    assumeBuilt();
    byte[] bytes;
    try (var in = LauncherBinary.class.getResourceAsStream(LauncherBinary.resourceName())) {
      bytes = in.readAllBytes();
    }
    assertThat(LauncherBinary.class.getResource(LauncherBinary.resourceName() + ".sha256"))
        .as("the build writes the hash beside the binary")
        .isNotNull();
    assertThat(LauncherBinary.knownHash(bytes)).isEqualTo(LauncherBinary.sha256(bytes));
  }

  @Test
  void aTamperedBinaryIsReplacedBeforeUse() throws Exception {
    assumeBuilt();
    Map<String, String> env = Map.of("XDG_CACHE_HOME", cache.toString());
    Path file = new LauncherBinary(env, "/nonexistent").require();
    byte[] good = Files.readAllBytes(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(file, "#!/bin/sh\necho pwned\n");
    Path again = new LauncherBinary(env, "/nonexistent").require();
    assertThat(again).isEqualTo(file);
    assertThat(Files.readAllBytes(again)).isEqualTo(good);
  }

  @Test
  void withoutAUsableCacheItReportsWhy() {
    assumeBuilt();
    LauncherBinary b = new LauncherBinary(Map.of(), null);
    assertThat(b.get().availability().available()).isFalse();
    assertThat(b.get().availability().detail()).contains("XDG_CACHE_HOME");
  }

  @Test
  void theRealProbeReportsThisHost() {
    LinuxHostProbe host = new LinuxHostProbe(new LauncherBinary());
    Assumptions.assumeTrue(host.launcher().available(), host.launcher().detail());
    // facts that hold on any kernel this project supports, checked against the kernel's own files
    assertThat(host.root()).isEqualTo(System.getProperty("user.name").equals("root"));
    if (Files.exists(Path.of("/sys/kernel/security/landlock"))) {
      assertThat(host.landlockAbi()).isPresent();
    }
    assertThat(host.seccompFilter())
        .isEqualTo(Files.exists(Path.of("/proc/sys/kernel/seccomp/actions_avail")));
    assertThat(host.userNamespaces().detail()).isNotBlank();
  }
}
