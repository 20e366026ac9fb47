package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.api.EphemeralWorkspace;
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
 * A run is refused (exit 2, nothing run) when a writable root holds the change-set store or the
 * profiles' cache layers, whatever names them: a command that could write the store could rewrite
 * the change sets the user later applies.
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "bind mounts as Linux has them")
class ChangeSetStoreGuardTest {
  @TempDir Path dir;

  private void assertRefused(Path workspace, Path writableRoot, Path cache) throws Exception {
    assertRefused(
        SandboxPolicy.builder(workspace)
            .allowWrite(writableRoot)
            .ephemeral(EphemeralWorkspace.FRESH)
            .build(),
        writableRoot,
        cache);
  }

  private void assertRefused(SandboxPolicy policy, Path writableRoot, Path cache) throws Exception {
    Path marker = dir.resolve("ran");
    SandboxRequest request =
        SandboxRequest.of(policy, List.of("touch", marker.toString()))
            .withCallerEnvironment(
                Map.of("HOME", dir.toString(), "XDG_CACHE_HOME", cache.toString()));
    Sandbox sandbox =
        Sandbox.create(
            List.of(new FakeBackendProvider(FakeBackend.claimingEverything("everything"))));
    assertThatThrownBy(() -> sandbox.start(request).close())
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("would lie inside the writable root " + writableRoot);
    assertThat(marker).doesNotExist();
  }

  @Test
  void aWritableRootHoldingTheStoreIsRefused() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path cache = Files.createDirectories(dir.resolve("shared/cache"));
    assertRefused(ws, dir.resolve("shared"), cache);
  }

  @Test
  void aBindMountedAliasOfTheStoresDirectoryIsRefused() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path cache = Files.createDirectories(dir.resolve("shared/cache"));
    Path alias = Files.createDirectories(dir.resolve("alias"));
    int rc =
        new ProcessBuilder("mount", "--bind", dir.resolve("shared").toString(), alias.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start()
            .waitFor();
    assumeTrue(rc == 0, "bind mounts need root (mount --bind exited " + rc + ")");
    try {
      assertRefused(ws, alias, cache);
    } finally {
      new ProcessBuilder("umount", alias.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void aRunThatIsNotEphemeralMayNotWriteTheStoreEither() throws Exception {
    // it could rewrite a change set (its files, or the workspace it is applied to) that the user
    // applies later
    Path cache = Files.createDirectories(dir.resolve("cache"));
    Path store = Files.createDirectories(cache.resolve("sandbox4j/changes"));
    assertRefused(SandboxPolicy.builder(store).build(), store, cache);
    Path ws = Files.createDirectories(dir.resolve("ws"));
    assertRefused(SandboxPolicy.builder(ws).allowWrite(cache).build(), cache, cache);
  }

  /**
   * The profiles' cache layers beside the store: a command writing there could swap a layer's upper
   * directory for a link while a later run mounted that overlay by name (a shell loop did it on the
   * first try), and that run's cache writes landed beside the native launcher.
   */
  private void assertLayersRefused(Path writableRoot) throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    assertRefused(
        SandboxPolicy.builder(ws).allowWrite(writableRoot).build(),
        writableRoot,
        dir.resolve("cache"));
  }

  @Test
  void aWritableRootHoldingTheCacheLayersIsRefused() throws Exception {
    assertLayersRefused(Files.createDirectories(dir.resolve("cache/sandbox4j/caches")));
  }

  @Test
  void aWritableRootInsideAProfilesLayersIsRefused() throws Exception {
    assertLayersRefused(
        Files.createDirectories(dir.resolve("cache/sandbox4j/caches/java/m2-0000")));
  }

  @Test
  void aLinkNamingTheLayersIsRefused() throws Exception {
    Path layers = Files.createDirectories(dir.resolve("cache/sandbox4j/caches"));
    assertLayersRefused(Files.createSymbolicLink(dir.resolve("layers-link"), layers));
  }
}
