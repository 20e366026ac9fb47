package io.sandbox4j.config;

import io.sandbox4j.api.SandboxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Where the copy-on-write layer of a profile's cache lives: {@code
 * $XDG_CACHE_HOME/sandbox4j/caches/<profile>/<name>} ({@code ~/.cache} without it), one per cache
 * path, the same on every run so the sandbox sees what its earlier runs downloaded. The name is the
 * cache's path made safe for overlay options, with a checksum of the path so two spellings cannot
 * share a layer.
 */
final class CacheLayers {
  private CacheLayers() {}

  static Path directory(Map<String, String> env, String profile, Path cache) {
    String base = env.get("XDG_CACHE_HOME");
    Path root;
    if (base != null && cache.getFileSystem().getPath(base).isAbsolute()) {
      root = cache.getFileSystem().getPath(base);
    } else {
      String home = env.get("HOME");
      if (home == null || !cache.getFileSystem().getPath(home).isAbsolute()) {
        throw SandboxException.invalid(
            "profile "
                + profile
                + ": the copy-on-write layer of "
                + cache
                + " needs XDG_CACHE_HOME or HOME (an absolute path); set one, or use"
                + " --profile-cache shared");
      }
      root = cache.getFileSystem().getPath(home, ".cache");
    }
    String path = cache.toString();
    CRC32 crc = new CRC32();
    crc.update(path.getBytes(StandardCharsets.UTF_8));
    String name = path.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+", "");
    if (name.length() > 80) {
      name = name.substring(name.length() - 80);
    }
    return root.resolve("sandbox4j")
        .resolve("caches")
        .resolve(profile)
        .resolve(name + "-" + String.format("%08x", crc.getValue()));
  }
}
