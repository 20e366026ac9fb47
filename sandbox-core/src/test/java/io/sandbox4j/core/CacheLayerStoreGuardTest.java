package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run whose writable roots hold the profiles' cache layers (or lie in them) is refused: its
 * command could swap a layer's upper directory for a link while a later run mounted that overlay by
 * name (a shell loop did it on the first try), and that run's cache writes landed beside the native
 * launcher.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the layers' places as Linux has them")
class CacheLayerStoreGuardTest {
  @TempDir Path dir;

  private void assertRefused(Path writableRoot) throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path marker = dir.resolve("ran");
    SandboxRequest request =
        SandboxRequest.of(
                SandboxPolicy.builder(ws).allowWrite(writableRoot).build(),
                List.of("touch", marker.toString()))
            .withCallerEnvironment(
                Map.of("HOME", dir.toString(), "XDG_CACHE_HOME", dir.resolve("cache").toString()));
    Sandbox sandbox =
        Sandbox.create(
            List.of(new FakeBackendProvider(FakeBackend.claimingEverything("everything"))));
    assertThatThrownBy(() -> sandbox.start(request).close())
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("would lie inside the writable root " + writableRoot);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aWritableRootHoldingTheCacheLayersIsRefused() throws Exception {
    assertRefused(Files.createDirectories(dir.resolve("cache/sandbox4j/caches")));
  }

  @Test
  void aWritableRootInsideAProfilesLayersIsRefused() throws Exception {
    assertRefused(Files.createDirectories(dir.resolve("cache/sandbox4j/caches/java/m2-0000")));
  }

  @Test
  void aLinkNamingTheLayersIsRefused() throws Exception {
    Path layers = Files.createDirectories(dir.resolve("cache/sandbox4j/caches"));
    assertRefused(Files.createSymbolicLink(dir.resolve("layers-link"), layers));
  }
}
