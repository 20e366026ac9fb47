package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.testkit.fakes.BrokenBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchDirectoryTest {
  @TempDir Path dir;

  @Test
  void aScratchDirectoryThatCannotBeMadeIsAnErrorNamingThePathNotAnInternalError()
      throws Exception {
    // Beneath a regular file: no directory can be made there, not even by root.
    Path file = Files.writeString(dir.resolve("file"), "");
    String previous = System.getProperty(Scratch.DIR_PROPERTY);
    System.setProperty(Scratch.DIR_PROPERTY, file.resolve("scratch").toString());
    try {
      ConformanceRunner runner =
          ConformanceRunner.builder()
              .target(BrokenBackends.alone(BrokenBackends.Silent.ID))
              .build();
      assertThatThrownBy(runner::run)
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("cannot create the conformance scratch directory")
          .hasMessageContaining(file.toString())
          .hasMessageContaining("run from a directory you can write");
    } finally {
      if (previous == null) {
        System.clearProperty(Scratch.DIR_PROPERTY);
      } else {
        System.setProperty(Scratch.DIR_PROPERTY, previous);
      }
    }
  }
}
