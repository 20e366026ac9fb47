package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The policy's path handling on a Windows-semantics file system (Jimfs' Windows configuration:
 * drive letters, UNC roots, case-insensitive names, {@code \} and {@code /} as separators), so that
 * what the Windows backends receive is exercised on Linux too. The same assertions also run on
 * Jimfs' Unix and macOS configurations.
 */
class WindowsPathSemanticsTest {
  private static final FileSystem WINDOWS = Jimfs.newFileSystem(Configuration.windows());
  private static final FileSystem UNIX = Jimfs.newFileSystem(Configuration.unix());
  private static final FileSystem MAC = Jimfs.newFileSystem(Configuration.osX());

  @AfterAll
  static void close() throws IOException {
    WINDOWS.close();
    UNIX.close();
    MAC.close();
  }

  static Stream<Arguments> roots() {
    return Stream.of(
        Arguments.of("windows", WINDOWS.getPath("C:\\")),
        Arguments.of("windows UNC", WINDOWS.getPath("\\\\server\\share\\")),
        Arguments.of("unix", UNIX.getPath("/")),
        Arguments.of("macOS", MAC.getPath("/")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roots")
  void pathsAreNormalizedAndProtectedNamesResolveBeneathEveryRoot(String fs, Path root) {
    Path ws = root.resolve("work").resolve("project");
    Path cache = root.resolve("cache");
    SandboxPolicy p =
        SandboxPolicy.builder(ws.resolve(".").resolve("..").resolve("project"))
            .allowWrite(cache)
            .allowWrite(cache.resolve("sub").resolve(".."))
            .denyWrite(ws.resolve("Makefile"))
            .build();
    assertThat(p.filesystem().workspace()).isEqualTo(ws);
    assertThat(p.filesystem().writableRoots()).containsExactly(cache);
    assertThat(p.filesystem().protectedPaths())
        .containsExactly(
            ws.resolve("Makefile"),
            ws.resolve(".git").resolve("hooks"),
            ws.resolve(".git").resolve("config"),
            ws.resolve(".sandbox4j"),
            cache.resolve(".git").resolve("hooks"),
            cache.resolve(".git").resolve("config"),
            cache.resolve(".sandbox4j"));
    assertThat(p.filesystem().protectedPaths())
        .allSatisfy(q -> assertThat(q.isAbsolute()).isTrue());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roots")
  void credentialStoresAreDeniedUnderHomeInTheWorkspacesFileSystem(String fs, Path root) {
    Path home = root.resolve("Users").resolve("u");
    SandboxPolicy p =
        SandboxPolicy.builder(root.resolve("ws"))
            .denyCredentialStores(true, Map.of("HOME", home.toString()))
            .build();
    assertThat(p.filesystem().readDeny())
        .contains(home.resolve(".ssh"), home.resolve(".config").resolve("gh"));
  }

  @Test
  void windowsPathsAreAbsoluteOnlyWithADriveOrAUncRoot() {
    assertThat(
            SandboxPolicy.builder(WINDOWS.getPath("C:/work/project"))
                .build()
                .filesystem()
                .workspace())
        .hasToString("C:\\work\\project");
    assertThatThrownBy(() -> SandboxPolicy.builder(WINDOWS.getPath("work\\project")).build())
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("workspace: path 'work\\project' must be absolute");
  }

  @Test
  void windowsRootsDifferingOnlyInCaseAreOneRoot() {
    SandboxPolicy p =
        SandboxPolicy.builder(WINDOWS.getPath("C:\\work\\project"))
            .allowWrite(WINDOWS.getPath("C:\\Cache"))
            .allowWrite(WINDOWS.getPath("c:\\CACHE"))
            .build();
    assertThat(p.filesystem().writableRoots()).hasSize(1);
    assertThat(p.filesystem().allWritableRoots()).hasSize(2);
  }

  @Test
  void rootsOnOtherDrivesAndSharesKeepTheirOwnProtectedPaths() {
    SandboxPolicy p =
        SandboxPolicy.builder(WINDOWS.getPath("C:\\work\\project"))
            .allowWrite(WINDOWS.getPath("D:\\cache"))
            .allowWrite(WINDOWS.getPath("\\\\build\\artifacts\\out"))
            .build();
    assertThat(p.filesystem().protectedPaths())
        .extracting(Path::toString)
        .contains("D:\\cache\\.git\\hooks", "\\\\build\\artifacts\\out\\.git\\config");
  }

  @Test
  void aProtectedNameThatIsNotRelativeOnWindowsIsRejected() {
    // Path.of(name) on Linux parses these as relative names; the workspace's file system does not.
    for (String name : List.of("C:\\evil", "C:/evil", "D:evil", "\\evil", "\\\\host\\share\\x")) {
      assertThatThrownBy(
              () ->
                  SandboxPolicy.builder(WINDOWS.getPath("C:\\work\\project"))
                      .protectedNames(List.of(name))
                      .build(),
              name)
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("must be a relative path");
    }
    assertThat(
            SandboxPolicy.builder(WINDOWS.getPath("C:\\work\\project"))
                .protectedNames(List.of(".git\\hooks", ".vscode/settings.json"))
                .build()
                .filesystem()
                .protectedPaths())
        .extracting(Path::toString)
        .containsExactly(
            "C:\\work\\project\\.git\\hooks", "C:\\work\\project\\.vscode\\settings.json");
  }
}
