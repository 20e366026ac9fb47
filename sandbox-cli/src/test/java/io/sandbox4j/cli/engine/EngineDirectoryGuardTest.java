package io.sandbox4j.cli.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(OS.LINUX)
class EngineDirectoryGuardTest {
  @TempDir Path tmp;

  /**
   * A bind mount names the engine's directory under a real path of its own: as the workspace it let
   * the command plant files beside the socket, lock and log (the real-path comparison missed it).
   */
  @Test
  void bindMountedAliasOfTheEngineDirectoryIsRefused() throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    Path engineDir = EngineLocation.directory(env);
    Files.createDirectories(engineDir);
    Path alias = Files.createDirectory(tmp.resolve("alias"));
    Path aliasOfParent = Files.createDirectory(tmp.resolve("alias-parent"));
    assumeTrue(mount(engineDir, alias), "bind mounts need root");
    try {
      assumeTrue(mount(engineDir.getParent(), aliasOfParent), "bind mounts need root");
      try {
        SandboxException e =
            assertThrows(
                SandboxException.class,
                () -> EngineDirectoryGuard.refuseIfWritable(SandboxPolicy.defaults(alias), env));
        assertEquals(2, e.exitCode());
        assertThrows(
            SandboxException.class,
            () ->
                EngineDirectoryGuard.refuseIfWritable(SandboxPolicy.defaults(aliasOfParent), env));
      } finally {
        umount(aliasOfParent);
      }
    } finally {
      umount(alias);
    }
  }

  /**
   * A sandboxed run whose workspace holds the caches' directory can leave a link in place of a
   * cache's layer: a later run's copy-on-write writes then landed beneath the engine's directory.
   */
  @Test
  void cacheLayerLeadingIntoTheEngineDirectoryIsRefused() throws Exception {
    Map<String, String> env = Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
    Path engineDir = EngineLocation.directory(env);
    Files.createDirectories(engineDir);
    Path layer = tmp.resolve("layers/python/pip");
    Files.createDirectories(layer.getParent());
    Files.createSymbolicLink(layer, engineDir);
    Path ws = Files.createDirectory(tmp.resolve("ws"));
    Path pip = Files.createDirectory(tmp.resolve("pip"));
    SandboxPolicy policy = SandboxPolicy.builder(ws).allowWrite(pip).cacheLayer(pip, layer).build();
    SandboxException e =
        assertThrows(
            SandboxException.class, () -> EngineDirectoryGuard.refuseIfWritable(policy, env));
    assertEquals(2, e.exitCode());
  }

  private static boolean mount(Path source, Path target) throws Exception {
    return new ProcessBuilder("mount", "--bind", source.toString(), target.toString())
            .inheritIO()
            .start()
            .waitFor()
        == 0;
  }

  private static void umount(Path target) throws Exception {
    new ProcessBuilder("umount", target.toString()).inheritIO().start().waitFor();
  }
}
