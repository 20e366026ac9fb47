package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the quarantine moves aside after a run, on files this test creates (no launch). */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs or plans the Linux namespaces backend (Linux paths, mounts, the native launcher)")
class QuarantineTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T14:05:09Z"), ZoneOffset.UTC);
  static final String Q = ".sandbox4j-quarantine-20261127T140509Z";

  @TempDir Path tmp;

  private Quarantine plan(Path ws) {
    FilesystemMounts m = new FilesystemMounts();
    m.protect(SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of()).build().filesystem());
    return new Quarantine(m.missing(), CLOCK);
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void nothingCreatedNothingMovedAndNothingLeftBehind() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Quarantine q = plan(ws);
    assertThat(q.sweep()).isEmpty();
    assertThat(names(ws.resolve(".git"))).containsExactly("config", "hooks");
    assertThat(names(ws)).containsExactly(".git");
  }

  @Test
  void aCommondirCreatedDuringTheRunIsMovedAsideNotDeleted() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Quarantine q = plan(ws);
    Files.writeString(ws.resolve(".git/commondir"), "../evil\n");
    Files.createDirectories(ws.resolve(".git/modules/sub/hooks"));
    Files.writeString(ws.resolve(".git/config.worktree"), "[core]\n\tfsmonitor = id\n");
    List<String> lines = q.sweep();
    assertThat(lines)
        .containsExactly(
            "moved "
                + ws.resolve(".git/commondir")
                + " aside to "
                + ws.resolve(".git/commondir" + Q)
                + ": the sandboxed command created it where a protected path did not exist",
            "moved "
                + ws.resolve(".git/modules")
                + " aside to "
                + ws.resolve(".git/modules" + Q)
                + ": the sandboxed command created it where a protected path did not exist",
            "moved "
                + ws.resolve(".git/config.worktree")
                + " aside to "
                + ws.resolve(".git/config.worktree" + Q)
                + ": the sandboxed command created it where a protected path did not exist");
    assertThat(ws.resolve(".git/commondir" + Q)).hasContent("../evil");
    assertThat(ws.resolve(".git/modules" + Q + "/sub/hooks")).isDirectory();
    assertThat(names(ws.resolve(".git")))
        .containsExactly("commondir" + Q, "config", "config.worktree" + Q, "hooks", "modules" + Q);
  }

  @Test
  void aRepositoryCreatedInsideLosesItsHooksAndConfigButKeepsItsObjects() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Quarantine q = plan(ws);
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.createDirectories(ws.resolve(".git/objects"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Files.writeString(ws.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    assertThat(q.sweep()).hasSize(2);
    assertThat(names(ws.resolve(".git")))
        .containsExactly("HEAD", "config" + Q, "hooks" + Q, "objects");
  }

  @Test
  void aGitFileOrLinkPlantedWhereNothingWasIsMovedAsideItself() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Path evil = Files.createDirectories(tmp.resolve("evil/hooks"));
    Quarantine q = plan(ws);
    Files.writeString(ws.resolve(".git"), "gitdir: " + evil.getParent() + "\n");
    Files.createDirectories(ws.resolve(".sandbox4j"));
    assertThat(q.sweep()).hasSize(2);
    assertThat(names(ws)).containsExactly(".git" + Q, ".sandbox4j" + Q);

    Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
    Quarantine q2 = plan(ws2);
    Files.createSymbolicLink(ws2.resolve(".git"), evil.getParent());
    assertThat(q2.sweep()).hasSize(1);
    assertThat(names(ws2)).containsExactly(".git" + Q);
    assertThat(evil).as("nothing moved through the link").isDirectory();
  }

  @Test
  void aDenyWritePathThatDidNotExistIsMovedAsideAndATakenNameIsNotOverwritten() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    FilesystemMounts m = new FilesystemMounts();
    m.protect(
        SandboxPolicy.builder(ws)
            .denyCredentialStores(false, Map.of())
            .protectedNames(List.of())
            .denyWrite(ws.resolve("notyet.txt"))
            .build()
            .filesystem());
    assertThat(m.mounts()).allMatch(x -> x.kind() == MountKind.PIN);
    assertThat(names(ws)).as("no placeholder").isEmpty();
    Files.writeString(ws.resolve("notyet.txt"), "written");
    Files.writeString(ws.resolve("notyet.txt" + Q), "planted");
    assertThat(new Quarantine(m.missing(), CLOCK).sweep()).hasSize(1);
    assertThat(ws.resolve("notyet.txt" + Q)).hasContent("planted");
    assertThat(ws.resolve("notyet.txt" + Q + "-2")).hasContent("written");
    assertThat(ws.resolve("notyet.txt")).doesNotExist();
  }

  @Test
  void whatCannotBeMovedIsNamedAfterTryingTheRest() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Files.createDirectories(ws.resolve(".git/hooks"));
    Quarantine q = plan(ws);
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Files.writeString(ws.resolve(".git/commondir"), "../evil\n");
    Files.writeString(ws.resolve(".git/commondir" + Q), "");
    for (int n = 2; n <= 100; n++) {
      Files.writeString(ws.resolve(".git/commondir" + Q + "-" + n), "");
    }
    assertThatThrownBy(q::sweep)
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining(ws.resolve(".git/commondir") + ": ")
        .hasMessageContaining("no free quarantine name");
    assertThat(ws.resolve(".git/config")).doesNotExist();
    assertThat(ws.resolve(".git/config" + Q)).hasContent("[core]");
  }
}
