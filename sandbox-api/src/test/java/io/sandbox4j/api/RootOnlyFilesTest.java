package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(value = OS.LINUX, disabledReason = "the search is over Linux's /etc")
class RootOnlyFilesTest {
  @Test
  void asRootTheDefaultPolicyDeniesShadowAndKeepsPasswdReadable() {
    Assumptions.assumeTrue(
        RootOnlyFiles.callerIsRoot(),
        "only a root caller's policy denies them: another account cannot read them anyway");
    Assumptions.assumeTrue(
        java.nio.file.Files.isRegularFile(Path.of("/etc/shadow")),
        "this host has no /etc/shadow, or this test runs inside a sandbox that already hides it"
            + " (it shows as /dev/null there, readable by all)");
    List<Path> deny = SandboxPolicy.defaults(Path.of("/tmp")).filesystem().readDeny();
    assertThat(deny).contains(Path.of("/etc/shadow")).doesNotContain(Path.of("/etc/passwd"));
    // a directory found is denied as a whole, not entry by entry
    assertThat(deny).noneMatch(p -> Path.of("/etc/ssl/private").equals(p.getParent()));
  }

  @Test
  void theFoundEntriesAreExactlyTheOnesOthersCannotRead() throws Exception {
    for (Path p : RootOnlyFiles.find()) {
      assertThat(p).startsWith(Path.of("/etc"));
      int mode =
          (Integer)
              java.nio.file.Files.getAttribute(
                  p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
      assertThat(mode & 0004).as(p + " mode %o", mode).isZero();
    }
    assertThat(RootOnlyFiles.find()).doesNotContain(Path.of("/etc/passwd"), Path.of("/etc/hosts"));
  }

  @Test
  void withoutTheCredentialStoresSwitchNothingIsAdded() {
    List<Path> deny =
        SandboxPolicy.builder(Path.of("/tmp"))
            .denyCredentialStores(false, java.util.Map.of())
            .build()
            .filesystem()
            .readDeny();
    assertThat(deny).isEmpty();
  }
}
