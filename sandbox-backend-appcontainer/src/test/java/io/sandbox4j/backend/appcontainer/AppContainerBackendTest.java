package io.sandbox4j.backend.appcontainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
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

class AppContainerBackendTest {
  /** Absolute on every OS (a literal such as /work/ws has no drive on Windows). */
  private static final Path WS =
      Path.of(System.getProperty("java.io.tmpdir"), "sandbox4j-test", "ws");

  /** Absolute on every OS, as LOCALAPPDATA is on Windows. */
  private static final Path LOCAL_APP_DATA = WS.resolveSibling("AppData").resolve("Local");

  private static final WindowsHost WINDOWS =
      new WindowsHost("Windows 11", "10.0", Map.of("LOCALAPPDATA", LOCAL_APP_DATA.toString()));

  private static Isolator isolator(String id) {
    return new AppContainerBackend(WINDOWS)
        .isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  private static LaunchSpec spec(SandboxPolicy p) {
    return new LaunchSpec(p, List.of("cmd.exe"), WS, Map.of());
  }

  @Test
  void onLinuxEveryIsolatorSaysItRequiresWindows() {
    AppContainerBackend b = new AppContainerBackend(new WindowsHost("Linux", "6.18", Map.of()));
    assertThat(b.id()).isEqualTo("appcontainer");
    assertThat(b.isolators())
        .hasSize(3)
        .allSatisfy(
            i -> {
              assertThat(i.probe().available()).isFalse();
              assertThat(i.probe().detail()).isEqualTo("requires Windows (this host is Linux)");
            });
  }

  @Test
  void isolatorsDeclareExactlyWhatTheyEnforce() {
    assertThat(isolator("filesystem").features())
        .containsExactlyInAnyOrder(
            Feature.FS_WRITE_CONFINEMENT,
            Feature.FS_READ_DENY,
            Feature.FS_PROTECTED_PATHS,
            Feature.FS_PRIVATE_TMP,
            Feature.FS_PRIVATE_HOME);
    assertThat(isolator("network").features()).containsExactly(Feature.NET_DENY_ALL);
    assertThat(isolator("process").features())
        .containsExactlyInAnyOrder(
            Feature.PROC_ISOLATION, Feature.PROC_TREE_KILL, Feature.PROC_NEW_SESSION);
    assertThat(isolator("filesystem").probe().available()).isTrue();
  }

  @Test
  void filesystemContributionGrantsTheContainerTheWorkspaceAndAPrivateTemp() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .denyCredentialStores(false, Map.of())
            .privateHome(false)
            .denyRead(WS.resolveSibling("home").resolve(".ssh"))
            .build();
    LaunchSpec spec = spec(p);
    isolator("filesystem").contribute(p, isolator("filesystem").requiredBy(p), spec);
    WindowsLaunchPlan plan = spec.findExtension(WindowsLaunchPlan.class).orElseThrow();
    assertThat(plan.appContainer().orElseThrow().profileName())
        .isEqualTo(WindowsPlanner.profileName(WS));
    assertThat(plan.appContainer().orElseThrow().capabilities()).as("no network").isEmpty();
    assertThat(plan.workspaceGrants())
        .contains(
            new AccessGrant(
                WS, Sid.RUN_APPCONTAINER, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true));
    assertThat(plan.workspaceGrants())
        .filteredOn(g -> g.mode() == AccessGrant.Mode.DENY)
        .extracting(AccessGrant::path)
        .contains(WS.resolve(".git/hooks"), WS.resolve(".sandbox4j"));
    assertThat(plan.mustBeUnreadable()).containsExactly(WS.resolveSibling("home").resolve(".ssh"));
    assertThat(plan.privateTmpParent())
        .contains(LOCAL_APP_DATA.resolve("sandbox4j").resolve("tmp"));
    assertThat(plan.privateTmpSid()).contains(plan.runSid());
    assertThat(plan.jobLimits().limitFlags() & 0x2000).isNotZero();
  }

  @Test
  void aPrivateHomeIsCheckedUnreadableAndOnlyItsGrantsAreGranted() {
    Path home = WS.resolveSibling("home");
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .denyCredentialStores(true, Map.of("HOME", home.toString()))
            .grantRead(home.resolve(".m2"))
            .denyRead(home.resolve(".m2").resolve("settings-security.xml"))
            .build();
    LaunchSpec spec = spec(p);
    isolator("filesystem").contribute(p, isolator("filesystem").requiredBy(p), spec);
    WindowsLaunchPlan plan = spec.findExtension(WindowsLaunchPlan.class).orElseThrow();
    assertThat(plan.mustBeUnreadable()).contains(home);
    assertThat(plan.workspaceGrants())
        .filteredOn(g -> g.mode() == AccessGrant.Mode.ALLOW)
        .extracting(AccessGrant::path)
        .containsExactlyInAnyOrder(WS, home.resolve(".m2"));
    assertThat(plan.workspaceGrants())
        .contains(
            new AccessGrant(
                home.resolve(".m2"),
                Sid.RUN_APPCONTAINER,
                AccessGrant.Mode.ALLOW,
                AccessGrant.READ_EXECUTE,
                true))
        .filteredOn(g -> g.mode() == AccessGrant.Mode.DENY)
        .extracting(AccessGrant::path)
        .contains(home.resolve(".m2").resolve("settings-security.xml"));
  }

  @Test
  void anAllowListGetsTheClientCapabilityButNotFromTheNetworkIsolator() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .network(NetworkPolicy.allow(List.of(HostPort.parse("10.0.0.1:443"))))
            .build();
    LaunchSpec spec = spec(p);
    isolator("process").contribute(p, isolator("process").requiredBy(p), spec);
    assertThat(
            spec.findExtension(WindowsLaunchPlan.class)
                .orElseThrow()
                .appContainer()
                .orElseThrow()
                .capabilities())
        .containsExactly(Sid.CAPABILITY_INTERNET_CLIENT);
    assertThatThrownBy(
            () -> isolator("network").contribute(p, isolator("network").requiredBy(p), spec(p)))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("needs the wfp backend");
  }

  @Test
  void withoutLocalAppDataThePrivateTempIsRefused() {
    Isolator fs =
        new AppContainerBackend(new WindowsHost("Windows 11", "10.0", Map.of())).isolators().get(0);
    SandboxPolicy p = SandboxPolicy.defaults(WS);
    assertThatThrownBy(() -> fs.contribute(p, fs.requiredBy(p), spec(p)))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("LOCALAPPDATA is not set");
  }
}
