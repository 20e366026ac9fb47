package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowsWorkspaceSetupTest {
  @TempDir Path records;
  @TempDir Path ws;

  /** Records every native call; can be told to fail one revoke. */
  static final class FakeOperations implements WindowsWorkspaceSetup.Operations {
    final List<String> calls = new ArrayList<>();

    /** The objects that carry an ACE of ours; a newly created object carries none. */
    final java.util.Set<Path> withAce = new java.util.HashSet<>();

    Path failRevokeOn;

    @Override
    public boolean inPlace(AccessGrant g) {
      return Files.exists(g.path()) && withAce.contains(g.path());
    }

    @Override
    public void apply(AccessGrant g) {
      withAce.add(g.path());
      calls.add("apply " + g.mode() + " " + g.path().getFileName());
    }

    @Override
    public void revoke(AccessGrant g) {
      if (g.path().equals(failRevokeOn)) {
        throw new IllegalStateException("access denied");
      }
      calls.add("revoke " + g.mode() + " " + g.path().getFileName());
    }

    @Override
    public void createPlaceholder(Path p) throws IOException {
      Files.createDirectories(p);
      withAce.remove(p);
      calls.add("create " + p.getFileName());
    }

    @Override
    public void deletePlaceholder(Path p) throws IOException {
      Files.delete(p);
      calls.add("delete " + p.getFileName());
    }

    @Override
    public void deleteProfile(String name) {
      calls.add("delete-profile " + name);
    }
  }

  private List<AccessGrant> grants(Sid sid) {
    return List.of(
        new AccessGrant(ws, sid, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true),
        new AccessGrant(
            ws.resolve(".sandbox4j"), sid, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true));
  }

  @Test
  void firstRunAppliesEverythingLaterRunsNothing() {
    FakeOperations ops = new FakeOperations();
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, ops);
    Sid sid = WindowsPlanner.workspaceSid(ws);
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    setup.recordProfile(ws, "sandbox4j.x");
    assertThat(ops.calls)
        .containsExactly(
            "create .sandbox4j", "apply ALLOW " + ws.getFileName(), "apply DENY .sandbox4j");
    ops.calls.clear();
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    assertThat(ops.calls).as("per-command path does no ACL work").isEmpty();
    assertThat(setup.hasProfile(ws, "sandbox4j.x")).isTrue();
  }

  @Test
  void aDeletedPlaceholderOrALostAceIsPutBackOnTheNextRun() throws Exception {
    FakeOperations ops = new FakeOperations();
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, ops);
    Sid sid = WindowsPlanner.workspaceSid(ws);
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    ops.calls.clear();
    Files.delete(ws.resolve(".sandbox4j"));
    ops.withAce.remove(ws); // e.g. an ACL reset by another tool
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    assertThat(ops.calls)
        .containsExactly(
            "create .sandbox4j", "apply ALLOW " + ws.getFileName(), "apply DENY .sandbox4j");
    assertThat(setup.read(ws)).filteredOn(l -> l.startsWith("grant ")).hasSize(2);
  }

  @Test
  void aMissingWritableRootIsRefusedNotSilentlySkipped() {
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, new FakeOperations());
    Path missing = ws.resolve("nope");
    AccessGrant g =
        new AccessGrant(
            missing, Sid.derived("a", "b"), AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true);
    assertThatThrownBy(() -> setup.ensure(ws, List.of(g), List.of()))
        .isInstanceOf(SandboxException.class)
        .hasMessage(
            "writable root " + missing + " does not exist: create it or remove it from the policy");
  }

  @Test
  void revertUndoesEveryRecordedStepLastFirstAndForgetsTheWorkspace() {
    FakeOperations ops = new FakeOperations();
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, ops);
    Sid sid = WindowsPlanner.workspaceSid(ws);
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    setup.recordProfile(ws, "sandbox4j.x");
    ops.calls.clear();
    List<String> done = setup.revert(ws);
    assertThat(ops.calls)
        .containsExactly(
            "delete-profile sandbox4j.x",
            "revoke DENY .sandbox4j",
            "revoke ALLOW " + ws.getFileName(),
            "delete .sandbox4j");
    assertThat(done).hasSize(4);
    assertThat(setup.recordFile(ws)).doesNotExist();
    assertThat(ws.resolve(".sandbox4j")).doesNotExist();
  }

  @Test
  void aFailedRevertKeepsThatStepForTheNextCleanup() {
    FakeOperations ops = new FakeOperations();
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, ops);
    Sid sid = WindowsPlanner.workspaceSid(ws);
    setup.ensure(ws, grants(sid), List.of(ws.resolve(".sandbox4j")));
    ops.failRevokeOn = ws;
    assertThatThrownBy(() -> setup.revert(ws))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("left 1 step(s) in place")
        .hasMessageContaining("access denied");
    assertThat(setup.read(ws)).anyMatch(l -> l.startsWith("grant ALLOW"));
    assertThat(setup.read(ws)).noneMatch(l -> l.startsWith("grant DENY"));
    assertThat(setup.read(ws)).noneMatch(l -> l.startsWith("placeholder"));
    ops.failRevokeOn = null;
    setup.revert(ws);
    assertThat(setup.recordFile(ws)).doesNotExist();
  }

  @Test
  void recordLinesRoundTrip() {
    AccessGrant g =
        new AccessGrant(ws, Sid.derived("a", "b"), AccessGrant.Mode.DENY, 0x10000, false);
    assertThat(AccessGrant.fromRecord(g.toRecord(), ws.getFileSystem())).isEqualTo(g);
    assertThatThrownBy(() -> AccessGrant.fromRecord("DENY|1|x", ws.getFileSystem()))
        .hasMessage("malformed ACL grant record 'DENY|1|x'");
  }
}
