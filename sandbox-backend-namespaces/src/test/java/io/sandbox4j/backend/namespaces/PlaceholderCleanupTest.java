package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs or plans the Linux namespaces backend (Linux paths, mounts, the native launcher)")
class PlaceholderCleanupTest {
  @TempDir Path ws;

  @Test
  void removesOnlyEmptyPlaceholderDirectories() throws Exception {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.createDirectories(ws.resolve(".sandbox4j"));
    assertThat(new PlaceholderCleanup().cleanup(ws))
        .containsExactly(
            "removed empty placeholder " + ws.resolve(".git/hooks"),
            "removed empty placeholder " + ws.resolve(".git"),
            "removed empty placeholder " + ws.resolve(".sandbox4j"));
    assertThat(ws.resolve(".git")).doesNotExist();
    assertThat(new PlaceholderCleanup().cleanup(ws)).as("idempotent").isEmpty();
  }

  @Test
  void leavesARealRepositoryAlone() throws Exception {
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/hooks/pre-commit"), "#!/bin/sh\n");
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    assertThat(new PlaceholderCleanup().cleanup(ws)).isEmpty();
    assertThat(ws.resolve(".git/hooks/pre-commit")).exists();
    assertThat(ws.resolve(".git/config")).hasContent("[core]");
  }

  @Test
  void aMissingWorkspaceIsBadInput() {
    assertThatThrownBy(() -> new PlaceholderCleanup().cleanup(ws.resolve("nope")))
        .hasMessageContaining("is not an existing directory");
  }
}
