package io.sandbox4j.backend.restrictedtoken;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.AccessGrant;
import io.sandbox4j.launcher.windows.Sid;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestrictedTokenBackendTest {
  /** Absolute on every OS (a literal such as /work/ws has no drive on Windows). */
  private static final Path WS =
      Path.of(System.getProperty("java.io.tmpdir"), "sandbox4j-test", "ws");

  private static final WindowsHost WINDOWS =
      new WindowsHost(
          "Windows Server 2022", "10.0", Map.of("LOCALAPPDATA", "/users/u/AppData/Local"));

  private static Isolator isolator(String id) {
    return new RestrictedTokenBackend(WINDOWS)
        .isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void onLinuxEveryIsolatorSaysItRequiresWindows() {
    RestrictedTokenBackend b =
        new RestrictedTokenBackend(new WindowsHost("Linux", "6.18", Map.of()));
    assertThat(b.id()).isEqualTo("restrictedtoken");
    assertThat(b.isolators())
        .hasSize(3)
        .allSatisfy(
            i -> assertThat(i.probe().detail()).isEqualTo("requires Windows (this host is Linux)"));
  }

  @Test
  void isolatorsDeclareExactlyWhatTheyEnforce() {
    assertThat(isolator("filesystem").features())
        .containsExactlyInAnyOrder(
            Feature.FS_WRITE_CONFINEMENT, Feature.FS_PROTECTED_PATHS, Feature.FS_PRIVATE_TMP);
    assertThat(isolator("process").features())
        .containsExactlyInAnyOrder(
            Feature.PROC_NO_PRIVILEGES,
            Feature.PROC_ISOLATION,
            Feature.PROC_TREE_KILL,
            Feature.PROC_NEW_SESSION);
    assertThat(isolator("resource").features())
        .containsExactlyInAnyOrder(Feature.RES_MEMORY, Feature.RES_CPU_TIME, Feature.RES_MAX_PROCS);
  }

  @Test
  void oneRunGetsOneTokenOneJobAndTheWorkspaceGrants() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .resources(ResourceLimits.NONE.withMaxProcesses(4).withMemoryBytes(1L << 30))
            .build();
    LaunchSpec spec = new LaunchSpec(p, List.of("cmd.exe"), WS, Map.of());
    for (Isolator i : new RestrictedTokenBackend(WINDOWS).isolators()) {
      i.contribute(p, i.requiredBy(p), spec);
    }
    WindowsLaunchPlan plan = spec.findExtension(WindowsLaunchPlan.class).orElseThrow();
    Sid ws = WindowsPlanner.workspaceSid(WS);
    assertThat(plan.restrictedToken().orElseThrow().restrictingSids())
        .containsExactly(ws, plan.runSid(), Sid.RESTRICTED_CODE, Sid.EVERYONE, Sid.LOGON_SESSION);
    assertThat(plan.appContainer()).isEmpty();
    assertThat(plan.jobLimits().limitFlags()).isEqualTo(0x2000 | 0x400 | 0x8 | 0x200);
    assertThat(plan.jobLimits().activeProcessLimit()).isEqualTo(4);
    assertThat(plan.jobLimits().uiRestrictions()).isEqualTo(0xFF);
    assertThat(plan.privateDesktop()).isTrue();
    assertThat(plan.privateTmpSid()).contains(plan.runSid());
    assertThat(plan.workspaceGrants())
        .startsWith(
            new AccessGrant(WS, Sid.LOW_INTEGRITY, AccessGrant.Mode.LOW_INTEGRITY_LABEL, 1, true),
            new AccessGrant(WS, ws, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true));
  }
}
