package io.sandbox4j.cli.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the engine lives and when a request must take the in-JVM path. POSIX permissions: Linux.
 */
@EnabledOnOs(OS.LINUX)
class EngineLocationTest {
  @TempDir Path dir;

  @Test
  void theIdIsTheFnv1aHashOfTheScriptPath() {
    // published FNV-1a 64 test vectors
    assertThat(EngineLocation.id("")).isEqualTo("cbf29ce484222325");
    assertThat(EngineLocation.id("a")).isEqualTo("af63dc4c8601ec8c");
    assertThat(EngineLocation.id("foobar")).isEqualTo("85944171f73967e8");
  }

  @Test
  void aPrivateRuntimeDirectoryIsUsedAndAnOpenOneIsNot() throws Exception {
    Path runtime = Files.createDirectory(dir.resolve("run"));
    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwx------"));
    Map<String, String> env =
        Map.of("XDG_RUNTIME_DIR", runtime.toString(), "HOME", dir.resolve("home").toString());
    assertThat(EngineLocation.directory(env)).isEqualTo(runtime.resolve("sandbox4j"));

    Files.setPosixFilePermissions(runtime, PosixFilePermissions.fromString("rwxrwxrwx"));
    assertThat(EngineLocation.directory(env))
        .isEqualTo(dir.resolve("home").resolve(".cache/sandbox4j/engine"));
    assertThat(
            EngineLocation.directory(
                Map.of("XDG_RUNTIME_DIR", "relative", "XDG_CACHE_HOME", dir.toString())))
        .isEqualTo(dir.resolve("sandbox4j/engine"));
  }

  @Test
  void prepareCreatesPrivateDirectoriesAndRefusesOpenOnes() throws Exception {
    Path engineDir = dir.resolve("a/b/engine");
    new EngineLocation(engineDir, "0123456789abcdef").prepare();
    assertThat(Files.getPosixFilePermissions(engineDir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("a")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));

    Files.setPosixFilePermissions(engineDir, PosixFilePermissions.fromString("rwxr-x---"));
    assertThatThrownBy(() -> new EngineLocation(engineDir, "0123456789abcdef").prepare())
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining(engineDir.toString())
        .hasMessageContaining("chmod 700");
  }

  @Test
  void aChangedInstallationOrEnvironmentFallsBack() throws Exception {
    Path jar = Files.writeString(dir.resolve("cli.jar"), "v1");
    RequestChecks checks = new RequestChecks(Map.of("HOME", "/h", "PATH", "/p"), List.of(jar));
    List<byte[]> run = List.of("run".getBytes(), "true".getBytes());
    List<byte[]> env = List.of("HOME=/h".getBytes(), "PATH=/p".getBytes(), "X=y".getBytes());
    assertThat(checks.refusal(1, dir.toString().getBytes(), run, env)).isNull();

    assertThat(
            checks.refusal(
                1,
                dir.toString().getBytes(),
                run,
                List.of("HOME=/h".getBytes(), "PATH=/q".getBytes())))
        .contains("$PATH differs");
    assertThat(checks.refusal(1, dir.toString().getBytes(), run, List.of("PATH=/p".getBytes())))
        .contains("$HOME differs");
    assertThat(checks.refusal(1, "relative".getBytes(), run, env)).contains("not absolute");

    Files.writeString(jar, "v2, longer");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(checks.refusal(1, dir.toString().getBytes(), run, env))
        .contains("installation changed");
    assertThat(checks.installationChanged()).isTrue();
  }
}
