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
  void whatTheCommandCreatesBeneathGitIsLeftToTheEnginesGitSweep() throws Exception {
    Path ws = Files.createDirectories(tmp.resolve("ws"));
    Quarantine q = plan(ws);
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.createDirectories(ws.resolve(".git/modules/sub/hooks"));
    Files.writeString(ws.resolve(".git/config"), "[core]\n");
    Files.writeString(ws.resolve(".git/commondir"), "../evil\n");
    Files.writeString(ws.resolve(".git/config.worktree"), "[core]\n\tfsmonitor = id\n");
    assertThat(q.sweep()).isEmpty();
    assertThat(names(ws.resolve(".git")))
        .containsExactly("commondir", "config", "config.worktree", "hooks", "modules");

    Path ws2 = Files.createDirectories(tmp.resolve("ws2"));
    Path evil = Files.createDirectories(tmp.resolve("evil/hooks"));
    Quarantine q2 = plan(ws2);
    Files.writeString(ws2.resolve(".git"), "gitdir: " + evil.getParent() + "\n");
    Files.createDirectories(ws2.resolve(".sandbox4j"));
    assertThat(q2.sweep()).hasSize(1);
    assertThat(names(ws2)).containsExactly(".git", ".sandbox4j" + Q);
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
    FilesystemMounts m = new FilesystemMounts();
    m.protect(
        SandboxPolicy.builder(ws)
            .denyCredentialStores(false, Map.of())
            .denyWrite(ws.resolve("notyet.txt"))
            .build()
            .filesystem());
    Quarantine q = new Quarantine(m.missing(), CLOCK);
    Files.writeString(ws.resolve("notyet.txt"), "written");
    Files.createDirectories(ws.resolve(".sandbox4j"));
    Files.writeString(ws.resolve(".sandbox4j" + Q), "");
    for (int n = 2; n <= 100; n++) {
      Files.writeString(ws.resolve(".sandbox4j" + Q + "-" + n), "");
    }
    assertThatThrownBy(q::sweep)
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining(ws.resolve(".sandbox4j") + ": ")
        .hasMessageContaining("no free quarantine name");
    assertThat(ws.resolve("notyet.txt")).doesNotExist();
    assertThat(ws.resolve("notyet.txt" + Q)).hasContent("written");
  }
}
