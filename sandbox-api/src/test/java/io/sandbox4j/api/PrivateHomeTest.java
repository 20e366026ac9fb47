package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivateHomeTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getRoot();
  private static final Path HOME = ROOT.resolve("home").resolve("u");
  private static final Path ACCOUNT = Path.of(System.getProperty("user.home")).normalize();

  private static SandboxPolicy.Builder builder(Path workspace) {
    return SandboxPolicy.builder(workspace)
        .denyCredentialStores(true, Map.of("HOME", HOME.toString()));
  }

  @Test
  void homeAndAccountHomeArePrivateByDefault() {
    SandboxPolicy p = builder(ROOT.resolve("work")).build();
    assertThat(p.filesystem().privateHomes()).contains(HOME, ACCOUNT);
    assertThat(p.requiredFeatures()).contains(Feature.FS_PRIVATE_HOME);
    // the deny-list stays as a second line
    assertThat(p.filesystem().readDeny()).contains(HOME.resolve(".ssh"));
  }

  @Test
  void homeReadRestoresTheDenyListAlone() {
    SandboxPolicy p = builder(ROOT.resolve("work")).privateHome(false).build();
    assertThat(p.filesystem().privateHomes()).isEmpty();
    assertThat(p.requiredFeatures()).doesNotContain(Feature.FS_PRIVATE_HOME);
    assertThat(p.filesystem().readDeny()).contains(HOME.resolve(".ssh"));
  }

  @Test
  void workspaceGrantsAndAllowReadInsideTheHomeStayVisible() {
    Path ws = HOME.resolve("src/project");
    SandboxPolicy p =
        builder(ws)
            .grantRead(HOME.resolve(".m2"))
            .allowRead(HOME.resolve("docs"))
            .allowRead(ROOT.resolve("opt"))
            .allowWrite(HOME.resolve(".cache/x"))
            .build();
    assertThat(p.filesystem().readGrants()).containsExactly(HOME.resolve(".m2"));
    assertThat(p.filesystem().visibleInPrivateHomes())
        .containsExactlyInAnyOrder(
            ws, HOME.resolve(".cache/x"), HOME.resolve(".m2"), HOME.resolve("docs"));
    assertThat(p.filesystem().visibleInPrivateHomes().get(0).getNameCount())
        .isLessThanOrEqualTo(p.filesystem().visibleInPrivateHomes().get(3).getNameCount());
  }

  @Test
  void aHomeInsideAWritableRootOrTheRootItselfIsNotHidden() {
    SandboxPolicy p =
        SandboxPolicy.builder(ROOT.resolve("home"))
            .denyCredentialStores(true, Map.of("HOME", HOME.toString()))
            .build();
    assertThat(p.filesystem().privateHomes()).doesNotContain(HOME);
    SandboxPolicy slash =
        SandboxPolicy.builder(ROOT.resolve("work"))
            .denyCredentialStores(true, Map.of("HOME", ROOT.toString()))
            .build();
    assertThat(slash.filesystem().privateHomes()).doesNotContain(ROOT);
  }

  @Test
  void toBuilderKeepsHomesAndGrants() {
    SandboxPolicy p = builder(ROOT.resolve("work")).grantRead(HOME.resolve(".m2")).build();
    SandboxPolicy q = p.toBuilder().build();
    assertThat(q.filesystem().privateHomes()).isEqualTo(p.filesystem().privateHomes());
    assertThat(q.filesystem().readGrants()).isEqualTo(List.of(HOME.resolve(".m2")));
  }
}
