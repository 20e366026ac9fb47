package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The recorded one-time setup, on a Windows-semantics file system, against {@link FakeAcls}. */
class WindowsWorkspaceSetupTest {
  private FileSystem windows;
  private Path records;
  private Path ws;

  @BeforeEach
  void windowsFileSystem() throws IOException {
    windows = Jimfs.newFileSystem(Configuration.windows());
    records = windows.getPath("C:\\Users\\u\\AppData\\Local\\sandbox4j\\workspaces");
    ws = Files.createDirectories(windows.getPath("C:\\work\\ws"));
    Files.createDirectories(ws.resolve(".git\\hooks"));
    Files.writeString(ws.resolve(".git\\config"), "[core]\n");
    Files.writeString(ws.resolve(".git\\hooks\\pre-commit.sample"), "#!/bin/sh\n");
    Files.createDirectories(ws.resolve("src"));
  }

  @AfterEach
  void close() throws IOException {
    windows.close();
  }

  private FilesystemPolicy policy(List<Path> writeDeny) {
    SandboxPolicy.Builder b =
        SandboxPolicy.builder(ws).denyCredentialStores(false, java.util.Map.of());
    writeDeny.forEach(b::denyWrite);
    return b.build().filesystem();
  }

  private List<AccessGrant> grants(FilesystemPolicy fs) {
    return WindowsPlanner.writeGrants(fs, WindowsPlanner.workspaceSid(ws));
  }

  @Test
  void aSecondRunDoesNoAclWriteAlthoughTheRootHoldsAllowAndDenyForOneSid() {
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of());
    List<Path> placeholders = WindowsPlanner.missingProtectedPaths(fs);
    new WindowsWorkspaceSetup(records, acls).ensure(ws, grants(fs), placeholders);
    assertThat(acls.aclWrites.get()).isEqualTo(grants(fs).size());
    AccessGrant root = grants(fs).get(0);
    assertThat(root.mode()).isEqualTo(AccessGrant.Mode.ALLOW);
    assertThat(acls.dacl(ws))
        .as("ALLOW MODIFY and DENY DELETE for the same SID on the root")
        .extracting(Ace::type)
        .contains(Ace.Type.ALLOW, Ace.Type.DENY);
    assertThat(acls.inPlaceByEffectiveRights(root))
        .as("why effective rights can never say 'in place': the deny is subtracted")
        .isFalse();

    for (int run = 0; run < 3; run++) {
      acls.aclWrites.set(0);
      acls.calls.clear();
      new WindowsWorkspaceSetup(records, acls).ensure(ws, grants(fs), placeholders);
      assertThat(acls.aclWrites.get()).as("ACL writes on run %d", run + 2).isZero();
      assertThat(acls.calls).isEmpty();
    }
  }

  @Test
  void nestedProtectedPathsWithInheritedDenialsDoNotBreakTheCheck() {
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of(ws.resolve(".git")));
    new WindowsWorkspaceSetup(records, acls)
        .ensure(ws, grants(fs), WindowsPlanner.missingProtectedPaths(fs));
    AccessGrant hooks =
        grants(fs).stream()
            .filter(g -> g.path().equals(ws.resolve(".git\\hooks")))
            .findFirst()
            .get();
    assertThat(acls.dacl(hooks.path())).anyMatch(a -> a.type() == Ace.Type.DENY && a.inherited());
    assertThatThrownBy(() -> acls.inPlaceByEffectiveRights(hooks))
        .as("GetEffectiveRightsFromAclW with an inherited deny ACE")
        .hasMessageContaining("error 1336");
    acls.aclWrites.set(0);
    new WindowsWorkspaceSetup(records, acls)
        .ensure(ws, grants(fs), WindowsPlanner.missingProtectedPaths(fs));
    assertThat(acls.aclWrites.get()).isZero();
  }

  @Test
  void theDecisionReadsExplicitAcesOnly() {
    Sid s = WindowsPlanner.workspaceSid(ws);
    AccessGrant allow = new AccessGrant(ws, s, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true);
    int oici = Ace.OBJECT_INHERIT_ACE | Ace.CONTAINER_INHERIT_ACE;
    Ace explicitAllow = new Ace(Ace.Type.ALLOW, s, AccessGrant.MODIFY, oici);
    assertThat(Ace.holds(List.of(explicitAllow), allow)).isTrue();
    assertThat(
            Ace.holds(
                List.of(
                    new Ace(Ace.Type.DENY, s, Win32Constants.DELETE, 0),
                    explicitAllow,
                    new Ace(Ace.Type.DENY, s, AccessGrant.ALL_WRITES, oici | Ace.INHERITED_ACE)),
                allow))
        .as("denials beside it do not matter")
        .isTrue();
    assertThat(
            Ace.holds(List.of(new Ace(Ace.Type.ALLOW, s, AccessGrant.MODIFY, oici | 0x10)), allow))
        .as("an inherited copy is not the grant")
        .isFalse();
    assertThat(Ace.holds(List.of(new Ace(Ace.Type.ALLOW, s, AccessGrant.MODIFY, 0)), allow))
        .as("not inheritable")
        .isFalse();
    assertThat(
            Ace.holds(List.of(new Ace(Ace.Type.ALLOW, s, AccessGrant.READ_EXECUTE, oici)), allow))
        .as("fewer rights")
        .isFalse();
    assertThat(Ace.holds(List.of(new Ace(Ace.Type.DENY, s, AccessGrant.MODIFY, oici)), allow))
        .as("a deny is not an allow")
        .isFalse();
    assertThat(
            Ace.holds(
                List.of(new Ace(Ace.Type.ALLOW, Sid.EVERYONE, AccessGrant.MODIFY, oici)), allow))
        .as("another trustee")
        .isFalse();
    assertThat(
            Ace.explicitDenials(
                List.of(
                    new Ace(Ace.Type.DENY, s, 1, 0),
                    explicitAllow,
                    new Ace(Ace.Type.DENY, Sid.EVERYONE, 1, 0),
                    new Ace(Ace.Type.DENY, s, 1, 0),
                    new Ace(Ace.Type.DENY, s, 1, Ace.INHERITED_ACE)),
                allow))
        .containsExactly(3, 0);
  }

  @Test
  void theReadCheckEvaluatesTheAcesInOrderAndSurvivesInheritedDenials() {
    Sid container = new Sid("S-1-15-2-1111-2222-3333-4444-5555-6666-7777");
    java.util.Set<Sid> ac = java.util.Set.of(container, Sid.ALL_APPLICATION_PACKAGES);
    int rx = AccessGrant.READ_EXECUTE;
    int oici = Ace.OBJECT_INHERIT_ACE | Ace.CONTAINER_INHERIT_ACE;
    assertThat(
            Ace.rights(List.of(new Ace(Ace.Type.ALLOW, Sid.ALL_APPLICATION_PACKAGES, rx, 0)), ac))
        .isEqualTo(rx);
    assertThat(
            Ace.rights(
                List.of(
                    new Ace(Ace.Type.DENY, container, AccessGrant.ALL_WRITES, oici | 0x10),
                    new Ace(Ace.Type.ALLOW, Sid.ALL_APPLICATION_PACKAGES, 0xA0000000, 0x10)),
                ac))
        .as("an inherited deny does not fail the check; GENERIC_READ|GENERIC_EXECUTE map to RX")
        .isEqualTo(rx);
    assertThat(
            Ace.rights(
                    List.of(
                        new Ace(Ace.Type.DENY, container, 0x1 /* FILE_READ_DATA */, 0),
                        new Ace(Ace.Type.ALLOW, Sid.ALL_APPLICATION_PACKAGES, rx, 0)),
                    ac)
                & rx)
        .as("a denial first takes that right away")
        .isNotEqualTo(rx);
    assertThat(
            Ace.rights(
                List.of(
                    new Ace(Ace.Type.ALLOW, container, rx, Ace.INHERIT_ONLY_ACE | oici),
                    new Ace(Ace.Type.ALLOW, Sid.EVERYONE, rx, 0)),
                ac))
        .as("inherit-only ACEs and other trustees grant the container nothing here")
        .isZero();
    assertThat(
            Ace.rights(
                List.of(new Ace(Ace.Type.ALLOW, Sid.ALL_APPLICATION_PACKAGES, rx, 0)),
                java.util.Set.of(container)))
        .as("LPAC: ALL APPLICATION PACKAGES does not count")
        .isZero();
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of(ws.resolve(".git")));
    new WindowsWorkspaceSetup(records, acls)
        .ensure(ws, grants(fs), WindowsPlanner.missingProtectedPaths(fs));
    Path hooks = ws.resolve(".git\\hooks");
    Sid s = WindowsPlanner.workspaceSid(ws);
    assertThatThrownBy(() -> acls.effectiveRights(hooks, s)).hasMessageContaining("1336");
    assertThat(Ace.rights(acls.dacl(hooks), java.util.Set.of(s)) & AccessGrant.ALL_WRITES)
        .as("the protected directory is not writable by the sandbox")
        .isZero();
    assertThat(Ace.rights(acls.dacl(ws.resolve("src")), java.util.Set.of(s)))
        .as("the rest of the workspace is")
        .isEqualTo(AccessGrant.MODIFY);
  }

  @Test
  void aDeletedPlaceholderOrALostAceIsPutBackOnTheNextRun() throws Exception {
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of());
    List<Path> placeholders = WindowsPlanner.missingProtectedPaths(fs);
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, acls);
    setup.ensure(ws, grants(fs), placeholders);
    acls.calls.clear();
    Files.delete(ws.resolve(".sandbox4j"));
    acls.explicit.remove(ws); // e.g. an ACL reset by another tool
    setup.ensure(ws, grants(fs), placeholders);
    assertThat(acls.calls)
        .containsExactly(
            "create dir .sandbox4j", "apply ALLOW ws", "apply DENY .sandbox4j", "apply DENY ws");
  }

  @Test
  void revertRemovesTheDenialsTooAndLeavesNoAceOfTheSandbox() {
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of(ws.resolve(".git")));
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, acls);
    setup.ensure(ws, grants(fs), WindowsPlanner.missingProtectedPaths(fs));
    setup.recordProfile(ws, "sandbox4j.x");
    assertThat(acls.acesFor(WindowsPlanner.workspaceSid(ws))).isNotEmpty();
    List<String> done = setup.revert(ws);
    assertThat(acls.acesFor(WindowsPlanner.workspaceSid(ws)))
        .as("REVOKE_ACCESS alone would leave every deny ACE")
        .isEmpty();
    assertThat(acls.calls).contains("delete-profile sandbox4j.x", "delete .sandbox4j");
    assertThat(done).hasSize(grants(fs).size() + 2);
    assertThat(setup.recordFile(ws)).doesNotExist();
    assertThat(ws.resolve(".sandbox4j")).doesNotExist();
  }

  @Test
  void aMissingProtectedFileBecomesAnEmptyFileNotADirectory() throws Exception {
    Path bare = Files.createDirectories(windows.getPath("C:\\fresh"));
    FilesystemPolicy fs =
        SandboxPolicy.builder(bare)
            .denyCredentialStores(false, java.util.Map.of())
            .build()
            .filesystem();
    FakeAcls acls = new FakeAcls();
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, acls);
    setup.ensure(
        bare,
        WindowsPlanner.writeGrants(fs, WindowsPlanner.workspaceSid(bare)),
        WindowsPlanner.missingProtectedPaths(fs));
    assertThat(bare.resolve(".git\\config")).isRegularFile().isEmptyFile();
    assertThat(bare.resolve(".GIT\\HOOKS")).isDirectory();
    assertThat(bare.resolve(".sandbox4j")).isDirectory();
    // What a later `git init` by the user does to config: write it (lock file, rename over it).
    Files.writeString(bare.resolve(".git\\config.lock"), "[core]\n");
    Files.move(
        bare.resolve(".git\\config.lock"),
        bare.resolve(".git\\config"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> setup.revert(bare))
        .as("a placeholder the user filled is left alone, and said so")
        .hasMessageContaining("config is no longer empty; left in place");
    assertThat(bare.resolve(".git\\config")).hasContent("[core]\n");
    assertThat(WindowsWorkspaceSetup.placeholderIsFile(bare.resolve(".git\\config"))).isTrue();
    assertThat(WindowsWorkspaceSetup.placeholderIsFile(bare.resolve(".git\\Hooks"))).isFalse();
  }

  @Test
  void setupIsSerialisedPerWorkspaceNotPerObject() throws Exception {
    FakeAcls acls = new FakeAcls();
    acls.applyMillis = 20;
    FilesystemPolicy fs = policy(List.of());
    List<Path> placeholders = WindowsPlanner.missingProtectedPaths(fs);
    int launches = 4;
    ExecutorService pool = Executors.newFixedThreadPool(launches);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> runs = new ArrayList<>();
      for (int i = 0; i < launches; i++) {
        // Every launch makes its own setup object, as NativeLaunch does.
        runs.add(
            pool.submit(
                () -> {
                  start.await();
                  new WindowsWorkspaceSetup(records, acls).ensure(ws, grants(fs), placeholders);
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : runs) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(acls.maxRunning.get()).as("ACL writes at once").isEqualTo(1);
    assertThat(acls.aclWrites.get())
        .as("each grant applied once in all")
        .isEqualTo(grants(fs).size());
  }

  @Test
  void aMissingWritableRootIsRefusedNotSilentlySkipped() {
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, new FakeAcls());
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
  void aFailedRevertKeepsThatStepForTheNextCleanup() {
    FakeAcls acls = new FakeAcls();
    FilesystemPolicy fs = policy(List.of());
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, acls);
    setup.ensure(ws, grants(fs), WindowsPlanner.missingProtectedPaths(fs));
    acls.failRevokeOn = ws;
    assertThatThrownBy(() -> setup.revert(ws))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("left 2 step(s) in place")
        .hasMessageContaining("access denied");
    assertThat(setup.read(ws)).anyMatch(l -> l.startsWith("grant ALLOW"));
    assertThat(setup.read(ws)).noneMatch(l -> l.startsWith("placeholder"));
    acls.failRevokeOn = null;
    setup.revert(ws);
    assertThat(setup.recordFile(ws)).doesNotExist();
  }

  @Test
  void aRecordMadeUnderTheOldPerSpellingNameIsStillRevertedByCleanup() throws IOException {
    FakeAcls acls = new FakeAcls();
    Sid oldSid = Sid.derived("sandbox4j-workspace", ws.toString());
    AccessGrant old =
        new AccessGrant(ws, oldSid, AccessGrant.Mode.DENY, Win32Constants.DELETE, false);
    acls.apply(old);
    Path legacy = records.resolve(WindowsPlanner.hash(ws.toString()).substring(0, 32) + ".txt");
    Files.createDirectories(records);
    Files.write(
        legacy, List.of("workspace " + ws, "grant " + old.toRecord(), "profile sandbox4j.old"));
    WindowsWorkspaceSetup setup = new WindowsWorkspaceSetup(records, acls);
    assertThat(setup.recordFile(ws)).isNotEqualTo(legacy);
    setup.revert(ws);
    assertThat(acls.acesFor(oldSid)).isEmpty();
    assertThat(acls.calls).contains("delete-profile sandbox4j.old");
    assertThat(legacy).doesNotExist();
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
