package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.CacheLayer;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Copy-on-write toolchain caches (issue 13): each cache is an overlay whose lower layer is the
 * host's cache and whose upper layer persists in the cache layer's own directory, created here
 * (mode 0700) on first use. Each layer directory is masked, so the command cannot edit the layer
 * behind the overlay's back.
 */
final class CacheOverlays {
  private CacheOverlays() {}

  static void add(List<CacheLayer> layers, LinuxLaunchPlan plan) {
    for (CacheLayer c : layers) {
      create(c);
      plan.addOverlay(new LinuxLaunchPlan.Overlay(c.cache(), c.upper(), c.work()));
    }
    for (CacheLayer c : layers) {
      // optional: inside a private home it is already out of sight
      plan.addMount(LinuxLaunchPlan.Mount.optional(LinuxLaunchPlan.MountKind.MASK, c.directory()));
    }
  }

  private static void create(CacheLayer c) {
    try {
      Path profileDir = c.directory().getParent();
      for (Path d :
          List.of(profileDir.getParent(), profileDir, c.directory(), c.upper(), c.work())) {
        if (!Files.isDirectory(d)) {
          Files.createDirectories(d);
          Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        }
      }
    } catch (IOException | UnsupportedOperationException e) {
      throw SandboxException.cannotSandbox(
          "could not create the layer of cache " + c.cache() + " in " + c.directory() + ": " + e);
    }
  }
}
