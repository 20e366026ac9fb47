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
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: the private home by default, and {@code --home read} / {@code home = "read"}. */
class HomeSettingTest {
  @TempDir Path dir;

  private Path ws() throws IOException {
    // not the temporary directory itself: a home inside the workspace is not hidden
    return Files.createDirectories(dir.resolve("ws"));
  }

  private Map<String, String> env() throws IOException {
    return Map.of("HOME", Files.createDirectories(dir.resolve("home")).toString());
  }

  @Test
  void theHomeIsPrivateByDefaultAndReadOnRequest() throws IOException {
    Path home = dir.resolve("home");
    SandboxPolicy byDefault = new PolicySettings(ws()).resolve(env());
    assertThat(byDefault.filesystem().privateHomes()).contains(home);
    SandboxPolicy read = new PolicySettings(ws()).set(Setting.HOME, "read").resolve(env());
    assertThat(read.filesystem().privateHomes()).isEmpty();
    assertThat(read.filesystem().readDeny()).contains(home.resolve(".ssh"));
  }

  @Test
  void aPolicyFileKeyAndAFlagOverridingIt() throws IOException {
    Path file =
        Files.writeString(ws().resolve("p.toml"), "version = 1\n[filesystem]\nhome = \"read\"\n");
    Path home = dir.resolve("home");
    assertThat(PolicySettings.load(file).resolve(env()).filesystem().privateHomes()).isEmpty();
    PolicySettings flags = new PolicySettings(ws()).set(Setting.HOME, "private");
    assertThat(
            PolicySettings.load(file)
                .overrideWith(flags)
                .resolve(env())
                .filesystem()
                .privateHomes())
        .contains(home);
  }

  @Test
  void anotherValueIsRefusedNamingTheFlag() {
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.HOME, "open"))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("--home: must be \"private\" or \"read\", got \"open\"");
  }
}
