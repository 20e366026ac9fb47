package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A policy file read and resolved on a Windows-semantics file system (Jimfs' Windows
 * configuration): relative paths against the file's directory with either separator, {@code ~}
 * written {@code ~/} or {@code ~\}, drive letters, and links left as they are.
 */
class PolicyFileWindowsPathsTest {
  private FileSystem fs;
  private Path project;
  private Path home;

  @BeforeEach
  void windowsFileSystem() throws IOException {
    fs = Jimfs.newFileSystem(Configuration.windows());
    project = Files.createDirectories(fs.getPath("C:\\work\\project"));
    home = Files.createDirectories(fs.getPath("C:\\Users\\u"));
    Files.createDirectories(project.resolve("cache\\sub"));
    Files.createDirectories(home.resolve(".m2\\repository"));
  }

  @AfterEach
  void close() throws IOException {
    fs.close();
  }

  private SandboxPolicy load(String toml) throws IOException {
    Path file = Files.writeString(project.resolve("policy.toml"), toml);
    return PolicySettings.load(file).resolve(Map.of("HOME", home.toString()));
  }

  @Test
  void relativeAndHomePathsResolveOnTheFilesDrive() throws IOException {
    SandboxPolicy p =
        load(
            """
            version = 1
            [filesystem]
            workspace = "."
            allow-write = ["cache\\\\sub", "~/.m2/repository"]
            deny-read = ["~/.config/secrets", "~\\\\.aws", "D:/secrets"]
            deny-write = ["build.gradle"]
            """);
    assertThat(p.filesystem().workspace()).hasToString("C:\\work\\project");
    assertThat(p.filesystem().writableRoots())
        .extracting(Path::toString)
        .containsExactly("C:\\work\\project\\cache\\sub", "C:\\Users\\u\\.m2\\repository");
    assertThat(p.filesystem().readDeny())
        .extracting(Path::toString)
        .contains(
            "C:\\Users\\u\\.config\\secrets",
            "C:\\Users\\u\\.aws",
            "D:\\secrets",
            // the default credential stores, under HOME parsed as a Windows path
            "C:\\Users\\u\\.ssh");
    assertThat(p.filesystem().readDeny())
        .as("nothing lands in a directory literally named ~")
        .noneSatisfy(d -> assertThat(d.toString()).contains("~"));
    assertThat(p.filesystem().writeDeny())
        .extracting(Path::toString)
        .containsExactly("C:\\work\\project\\build.gradle", "C:\\work\\project\\policy.toml");
  }

  @Test
  void aWorkspaceNamedInAnotherCaseIsTheSameDirectory() throws IOException {
    SandboxPolicy p =
        load(
            """
            version = 1
            [filesystem]
            workspace = "C:/WORK/Project"
            allow-write = ["c:\\\\work\\\\project\\\\CACHE"]
            """);
    assertThat(p.filesystem().workspace()).isEqualTo(project);
    assertThat(p.filesystem().writableRoots()).containsExactly(project.resolve("cache"));
  }

  @Test
  void aMissingWritableRootNamesTheWindowsPath() {
    assertThatThrownBy(
            () ->
                load(
                    """
                    version = 1
                    [filesystem]
                    allow-write = ["~\\\\no-such-dir"]
                    """))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("'C:\\Users\\u\\no-such-dir' does not exist");
  }
}
