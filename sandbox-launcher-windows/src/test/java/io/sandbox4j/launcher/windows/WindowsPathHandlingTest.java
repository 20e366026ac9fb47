package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The planner's path handling on a file system with Windows semantics (Jimfs' Windows
 * configuration: drive letters, UNC roots, backslashes, case-insensitive lookup), so that what only
 * Windows would show is exercised here.
 */
class WindowsPathHandlingTest {
  private FileSystem windows;
  private Path ws;

  @BeforeEach
  void windowsFileSystem() throws IOException {
    windows = Jimfs.newFileSystem(Configuration.windows());
    ws = Files.createDirectories(windows.getPath("C:\\Users\\u\\src\\proj"));
    Files.createDirectories(ws.resolve(".git\\hooks"));
    Files.writeString(ws.resolve(".git\\config"), "[core]\n");
  }

  @AfterEach
  void close() throws IOException {
    windows.close();
  }

  private SandboxPolicy.Builder policy(Path workspace) {
    return SandboxPolicy.builder(workspace).denyCredentialStores(false, Map.of());
  }

  @Test
  void everySpellingOfOneWorkspaceGetsOneProfileOneSidAndOneRecord() {
    List<Path> spellings =
        List.of(
            windows.getPath("C:\\Users\\u\\src\\proj"),
            windows.getPath("c:\\USERS\\U\\SRC\\PROJ"),
            windows.getPath("C:/Users/u/src/proj/"),
            windows.getPath("C:\\Users\\u\\src\\.\\x\\..\\proj"),
            windows.getPath("C:\\Users\\u\\src\\proj."),
            windows.getPath("C:\\Users\\u\\src\\proj. ."));
    for (Path p : spellings) {
      assertThat(WindowsPlanner.workspaceKey(p))
          .as(p.toString())
          .isEqualTo("C:\\USERS\\U\\SRC\\PROJ");
      assertThat(WindowsPlanner.profileName(p)).isEqualTo(WindowsPlanner.profileName(ws));
      assertThat(WindowsPlanner.workspaceSid(p)).isEqualTo(WindowsPlanner.workspaceSid(ws));
    }
    assertThat(WindowsPlanner.workspaceKey(windows.getPath("C:\\Users\\u\\src\\proj2")))
        .isNotEqualTo(WindowsPlanner.workspaceKey(ws));
    assertThat(WindowsPlanner.profileName(ws)).matches("sandbox4j\\.[0-9a-f]{32}");
  }

  @Test
  void uncAndExtendedLengthSpellingsAreOneWorkspace() {
    assertThat(WindowsPlanner.workspaceKey(windows.getPath("\\\\server\\share\\proj\\")))
        .isEqualTo("\\\\SERVER\\SHARE\\PROJ");
    assertThat(WindowsPlanner.workspaceKey(windows.getPath("\\\\Server\\Share\\Proj..")))
        .isEqualTo("\\\\SERVER\\SHARE\\PROJ");
    assertThat(
            WindowsPlanner.workspaceKey(
                windows.getPath("\\\\server\\share\\proj").resolveSibling("proj")))
        .isEqualTo("\\\\SERVER\\SHARE\\PROJ");
    assertThat(WindowsPlanner.profileName(windows.getPath("\\\\server\\share\\proj")))
        .isNotEqualTo(WindowsPlanner.profileName(windows.getPath("C:\\server\\share\\proj")));
  }

  @Test
  void grantsOnDriveLetterPathsFindProtectedPathsWhateverTheirCase() {
    FilesystemPolicy fs =
        policy(ws)
            .denyWrite(windows.getPath("c:\\users\\U\\SRC\\PROJ\\Secrets\\Keys"))
            .build()
            .filesystem();
    Sid t = Sid.derived("t", "1");
    List<AccessGrant> grants = WindowsPlanner.writeGrants(fs, t);
    assertThat(grants.get(0))
        .isEqualTo(new AccessGrant(ws, t, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true));
    assertThat(grants)
        .filteredOn(g -> g.accessMask() == Win32Constants.DELETE)
        .extracting(g -> g.path().toString().toUpperCase())
        .as("every ancestor of a protected path up to the root, in any case, cannot be renamed")
        .contains(
            "C:\\USERS\\U\\SRC\\PROJ\\SECRETS",
            "C:\\USERS\\U\\SRC\\PROJ",
            "C:\\USERS\\U\\SRC\\PROJ\\.GIT");
    assertThat(grants)
        .filteredOn(g -> g.mode() == AccessGrant.Mode.DENY && g.inherit())
        .extracting(g -> g.path().getFileName().toString())
        .containsExactlyInAnyOrder("Keys", "hooks", "config", ".sandbox4j");
  }

  @Test
  void missingProtectedPathsAreFoundCaseInsensitively() throws IOException {
    Files.createDirectories(ws.resolve(".SANDBOX4J"));
    FilesystemPolicy fs = policy(ws).build().filesystem();
    assertThat(WindowsPlanner.missingProtectedPaths(fs)).isEmpty();
    Path bare = Files.createDirectories(windows.getPath("C:\\fresh"));
    assertThat(WindowsPlanner.missingProtectedPaths(policy(bare).build().filesystem()))
        .containsExactly(
            bare.resolve(".git\\hooks"), bare.resolve(".git\\config"), bare.resolve(".sandbox4j"));
  }

  @Test
  void readDenyGrantsApplyInsideGrantedRootsWhateverTheCase() {
    FilesystemPolicy fs =
        policy(ws)
            .denyRead(windows.getPath("C:\\USERS\\U\\SRC\\PROJ\\.env"))
            .denyRead(windows.getPath("D:\\elsewhere\\.env"))
            .build()
            .filesystem();
    assertThat(WindowsPlanner.readDenyGrants(fs, Sid.derived("t", "1")))
        .extracting(g -> g.path().toString())
        .containsExactly("C:\\USERS\\U\\SRC\\PROJ\\.env");
  }

  @Test
  void recordLinesKeepWindowsPathsAndUncRoots() {
    for (Path p :
        List.of(
            ws.resolve(".git\\config"),
            windows.getPath("\\\\server\\share\\proj\\.git"),
            windows.getPath("C:\\dir with spaces\\a b"))) {
      AccessGrant g =
          new AccessGrant(p, Sid.derived("t", "1"), AccessGrant.Mode.DENY, 0x10000, true);
      assertThat(AccessGrant.fromRecord(g.toRecord(), windows)).isEqualTo(g);
    }
  }

  @Test
  void theExecutableDirectoryAndPrivateTempAreWindowsPaths() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    plan.requireReadable(windows.getPath("C:\\Program Files\\Git\\cmd"));
    assertThat(
            WindowsPlanner.mustBeReadable(
                plan, windows.getPath("C:\\Program Files\\Git\\cmd\\git.exe")))
        .containsExactly(windows.getPath("C:\\Program Files\\Git\\cmd"));
    assertThat(
            WindowsPlanner.mustBeReadable(plan, windows.getPath("C:\\Windows\\System32\\cmd.exe")))
        .containsExactly(
            windows.getPath("C:\\Program Files\\Git\\cmd"),
            windows.getPath("C:\\Windows\\System32"));
  }
}
