package io.sandbox4j.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Scratch directories of a conformance run, and the extracted probe. */
final class Scratch {
  /** System property naming the directory scratch space is created in. */
  static final String DIR_PROPERTY = "sandbox4j.testkit.dir";

  private Scratch() {}

  /**
   * A new directory for one run: under {@value #DIR_PROPERTY} when set, else under {@code ./target}
   * in a Maven build, else under the temporary directory.
   */
  static Path newRoot() throws IOException {
    String configured = System.getProperty(DIR_PROPERTY);
    Path base;
    if (configured != null && !configured.isBlank()) {
      base = Path.of(configured);
    } else if (Files.isDirectory(Path.of("target"))) {
      base = Path.of("target", "sandbox4j-conformance");
    } else {
      // Not /tmp: a backend giving the command a private /tmp would hide the scenario's own
      // directories there, and filesystem scenarios would pass for the wrong reason.
      String cache = System.getenv("XDG_CACHE_HOME");
      base =
          (cache != null && Path.of(cache).isAbsolute()
                  ? Path.of(cache)
                  : Path.of(System.getProperty("user.home"), ".cache"))
              .resolve("sandbox4j-conformance");
    }
    Files.createDirectories(base);
    return Files.createTempDirectory(base.toAbsolutePath(), "run-").toRealPath();
  }

  /** Copies the probe's class file beneath {@code dir}, which becomes its class path. */
  static Path extractProbe(Path dir) throws IOException {
    String resource = "/io/sandbox4j/testkit/probe/Probe.class";
    Path target = dir.resolve(resource.substring(1));
    Files.createDirectories(target.getParent());
    try (InputStream in = Scratch.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the probe class " + resource + " is missing from the testkit");
      }
      Files.copy(in, target);
    }
    return dir;
  }

  /** Deletes a tree without following links; leftovers are ignored (best effort). */
  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
              dir.toFile().setWritable(true);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              return deleteQuietly(file);
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
              return deleteQuietly(dir);
            }
          });
    } catch (IOException e) {
      // Leftover.
    }
  }

  /**
   * Deletes one file or empty directory; what cannot be deleted is left over, and the walk goes on.
   */
  private static FileVisitResult deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // Leftover.
    }
    return FileVisitResult.CONTINUE;
  }
}
