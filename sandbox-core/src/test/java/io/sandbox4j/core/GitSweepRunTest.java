package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine sweeps git directories after every run, whatever backend enforced it (here a fake one
 * that enforces nothing), and a sweep that cannot complete is exit 125 naming the path.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs /bin/sh and git through the engine; the sweep's ctime rules are Linux's")
class GitSweepRunTest {
  @TempDir Path workspace;

  private SandboxResult run(String script) {
    Sandbox sandbox =
        Sandbox.create(List.of(new FakeBackendProvider(FakeBackend.claimingEverything("all"))));
    return sandbox.run(SandboxPolicy.defaults(workspace), List.of("/bin/sh", "-c", script));
  }

  private static final String NESTED =
      "mkdir -p sub/.git/objects sub/.git/refs sub/.git/hooks"
          + " && echo 'ref: refs/heads/main' > sub/.git/HEAD"
          + " && printf '[core]\\n\\tfsmonitor = touch x\\n' > sub/.git/config"
          + " && printf '#!/bin/sh\\n' > sub/.git/hooks/pre-commit";

  @Test
  void whatTheCommandPlantedIsMadeInertAndReported() throws Exception {
    SandboxResult r = run(NESTED + " && exit 3");
    assertThat(r.exitCode()).as("the command's own code").isEqualTo(3);
    assertThat(Files.readString(workspace.resolve("sub/.git/config"))).doesNotContain("fsmonitor");
    assertThat(workspace.resolve("sub/.git/hooks/pre-commit")).doesNotExist();
    assertThat(r.notices())
        .anyMatch(n -> n.startsWith("sanitized " + workspace.resolve("sub/.git/config")))
        .anyMatch(n -> n.startsWith("moved " + workspace.resolve("sub/.git/hooks/pre-commit")));
  }

  @Test
  void aSweepThatCannotCompleteIsExit125NamingThePath() throws Exception {
    // an immutable directory: even root cannot rename the hook out of it
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")) && chattr("+i", workspace),
        "needs root and chattr on this filesystem to make a directory nobody can change");
    chattr("-i", workspace);
    try {
      SandboxResult r = run(NESTED + " && chattr +i sub/.git/hooks");
      assertThat(r.exitCode()).isEqualTo(125);
      assertThat(r.notices())
          .last()
          .asString()
          .startsWith("exit 125: the sandbox could not make the workspace's git directories safe")
          .contains(workspace.resolve("sub/.git/hooks/pre-commit").toString());
    } finally {
      chattr("-i", workspace.resolve("sub/.git/hooks"));
    }
  }

  private static boolean chattr(String flag, Path p) throws Exception {
    Process c = new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
    c.getInputStream().readAllBytes();
    return c.waitFor(10, TimeUnit.SECONDS) && c.exitValue() == 0;
  }
}
