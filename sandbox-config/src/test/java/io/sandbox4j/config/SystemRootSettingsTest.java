package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Refused writable roots through flags and policy keys (Linux's system directories). */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "the system directories judged here (/proc, /etc, /usr) are Linux's")
class SystemRootSettingsTest {
  @TempDir Path dir;

  /**
   * Issue 10: kernel interfaces and system directories as writable roots, named by their source.
   */
  @Test
  void systemDirectoriesAsWritableRootsAreRefusedNamingTheFlagOrKey() throws IOException {
    Map<String, String> env = Map.of("HOME", dir.resolve("home").toString());
    assertThatThrownBy(
            () ->
                new PolicySettings(dir).set(Setting.WORKSPACE, "/proc", "--workspace").resolve(env))
        .hasMessageStartingWith(
            "--workspace: '/proc' lies in /proc, which is never a writable root");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir)
                    .set(Setting.ALLOW_WRITE, "/proc/sys/kernel", "--allow-write")
                    .set(Setting.ALLOW_SYSTEM_WRITE, "/proc/sys/kernel", "--allow-system-write")
                    .resolve(env))
        .hasMessageStartingWith("--allow-write: '/proc/sys/kernel' lies in /proc");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir)
                    .set(Setting.ALLOW_WRITE, "/etc", "--allow-write")
                    .resolve(env))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContainingAll(
            "--allow-write: '/etc' is the system directory /etc", "--allow-system-write");
    SandboxPolicy opted =
        new PolicySettings(dir)
            .set(Setting.ALLOW_WRITE, "/etc", "--allow-write")
            .set(Setting.ALLOW_SYSTEM_WRITE, "/etc", "--allow-system-write")
            .resolve(env);
    assertThat(opted.filesystem().writableRoots()).contains(Path.of("/etc"));
    String account = System.getProperty("user.home");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir).set(Setting.WORKSPACE, account, "--workspace").resolve(env))
        .hasMessageContainingAll("--workspace: ", "as a whole", "--allow-system-write");
    Path file =
        Files.writeString(
            dir.resolve("p.toml"), "version = 1\n\n[filesystem]\nallow-write = [\"/usr\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(file).resolve(env))
        .hasMessageStartingWith(
            "policy file "
                + file
                + " line 4, key 'filesystem.allow-write': '/usr' is the system"
                + " directory /usr");
  }
}
