package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.spi.Availability;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The native launcher binary, shipped as a jar resource and extracted (once per instance: one per
 * engine, held by {@link LinuxPlatform}) into a private per-user cache directory named by its
 * SHA-256: {@code $XDG_CACHE_HOME/sandbox4j/<sha256>/sandbox4j-launcher}, else {@code
 * ~/.cache/sandbox4j/...}. Directories are 0700, the file 0500; an existing file is used only when
 * its hash matches, otherwise it is replaced atomically.
 */
final class LauncherBinary {
  static final String NOT_BUILT =
      "the native launcher was not built (no C compiler when sandbox4j was built): install gcc"
          + " and rebuild sandbox4j";
  private static final Set<PosixFilePermission> DIR_PERMS =
      PosixFilePermissions.fromString("rwx------");

  private final Map<String, String> environment;
  private final String userHome;
  private final Object lock = new Object();
  private Result result;

  /** Where the binary is, or why not. */
  record Result(Optional<Path> path, Availability availability) {}

  LauncherBinary() {
    this(System.getenv(), System.getProperty("user.home"));
  }

  LauncherBinary(Map<String, String> environment, String userHome) {
    this.environment = Map.copyOf(environment);
    this.userHome = userHome;
  }

  static String resourceName() {
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    String machine =
        switch (arch) {
          case "amd64", "x86_64" -> "x86_64";
          case "aarch64", "arm64" -> "aarch64";
          default -> arch;
        };
    return "linux-" + machine + "/sandbox4j-launcher";
  }

  Result get() {
    synchronized (lock) {
      if (result == null) {
        result = extract();
      }
      return result;
    }
  }

  /** The launcher's path, or a SandboxException-worthy reason. */
  Path require() {
    Result r = get();
    return r.path()
        .orElseThrow(
            () -> io.sandbox4j.api.SandboxException.cannotSandbox(r.availability().detail()));
  }

  private Result extract() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return unavailable("the native launcher runs on Linux only");
    }
    byte[] bytes;
    try (InputStream in = LauncherBinary.class.getResourceAsStream(resourceName())) {
      if (in == null) {
        return unavailable(NOT_BUILT + " (no resource " + resourceName() + ")");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      return unavailable("cannot read the native launcher resource: " + e.getMessage());
    }
    String hash = knownHash(bytes);
    try {
      Path root = cacheRoot().resolve("sandbox4j");
      Path dir = root.resolve(hash);
      privateDirectory(root.getParent(), false);
      privateDirectory(root, true);
      privateDirectory(dir, true);
      Path file = dir.resolve("sandbox4j-launcher");
      // compared byte for byte with the resource: as strict as a hash check, and cheaper
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
          || !Arrays.equals(bytes, Files.readAllBytes(file))) {
        Path tmp = Files.createTempFile(dir, "launcher", ".tmp");
        try {
          Files.write(tmp, bytes);
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r-x------"));
          try {
            Files.move(
                tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
          }
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return new Result(Optional.of(file), Availability.available("native launcher " + file));
    } catch (IOException | RuntimeException e) {
      return unavailable(
          "cannot extract the native launcher into the cache directory: "
              + e
              + " (set XDG_CACHE_HOME to a private writable directory)");
    }
  }

  private Path cacheRoot() {
    String xdg = environment.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg);
    }
    if (userHome == null || userHome.isBlank()) {
      throw new IllegalStateException("neither XDG_CACHE_HOME nor user.home is set");
    }
    return Path.of(userHome, ".cache");
  }

  /**
   * Creates the directory if needed; a private one must be a real directory owned by this user with
   * mode 0700, else another user could swap the binary.
   */
  private static void privateDirectory(Path dir, boolean isPrivate) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_PERMS));
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // created concurrently; checked below
      }
    }
    if (!isPrivate) {
      return;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
    if (!owner.equals(System.getProperty("user.name"))) {
      throw new IOException(dir + " is owned by " + owner + ", not by this user");
    }
    if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(DIR_PERMS)) {
      Files.setPosixFilePermissions(dir, DIR_PERMS);
    }
  }

  private static Result unavailable(String reason) {
    return new Result(Optional.empty(), Availability.unavailable(reason));
  }

  /**
   * The SHA-256 the build wrote beside the binary, when it is well-formed; else computed. It only
   * names the cache directory (the extracted file is always compared with the resource itself).
   */
  static String knownHash(byte[] bytes) {
    try (InputStream in = LauncherBinary.class.getResourceAsStream(resourceName() + ".sha256")) {
      if (in != null) {
        String h = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (h.length() == 64
            && h.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
          return h;
        }
      }
    } catch (IOException e) {
      // fall through to computing it
    }
    return sha256(bytes);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
