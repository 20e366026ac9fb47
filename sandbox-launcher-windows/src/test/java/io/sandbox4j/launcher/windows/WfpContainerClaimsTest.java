package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class WfpContainerClaimsTest {
  private static final String PROFILE = "sandbox4j.0123456789abcdef0123456789abcdef";

  private static List<WfpFilter> allow(String ip) {
    return WindowsPlanner.wfpFilters(
        new NetworkPolicy(NetworkMode.ALLOW, List.of(HostPort.parse(ip + ":443"))),
        host -> List.of(InetAddress.getByName(host)));
  }

  @Test
  void runsWithTheSameFiltersShareTheContainerOthersAreRefusedUntilItIsFree() {
    WfpContainerClaims claims = new WfpContainerClaims();
    Runnable a = claims.claim(PROFILE, allow("10.0.0.1"));
    Runnable b = claims.claim(PROFILE, allow("10.0.0.1"));
    // A second allow-list would intersect with the first: each run's block beats the other's
    // permit.
    assertThatThrownBy(() -> claims.claim(PROFILE, allow("10.0.0.2")))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("under a different network policy")
        .hasMessageContaining("run them one after the other, or in separate workspaces");
    assertThatThrownBy(() -> claims.claim(PROFILE, List.of()))
        .as("network mode all (no filters) would be blocked by the running allow-list")
        .isInstanceOf(SandboxException.class);
    assertThat(claims.claim("sandbox4j.other", allow("10.0.0.2"))).isNotNull();
    a.run();
    a.run(); // a release runs once
    assertThatThrownBy(() -> claims.claim(PROFILE, allow("10.0.0.2")))
        .as("b still runs")
        .isInstanceOf(SandboxException.class);
    b.run();
    claims.claim(PROFILE, allow("10.0.0.2")).run();
  }

  @Test
  void onlyRunsThatFiltersCanTouchNeedAClaim() {
    WindowsLaunchPlan none = new WindowsLaunchPlan();
    none.appContainer(new AppContainerSpec(PROFILE, List.of(), false));
    assertThat(WfpContainerClaims.needsClaim(none)).as("no capability, no filters").isFalse();
    WindowsLaunchPlan all = new WindowsLaunchPlan();
    all.appContainer(
        new AppContainerSpec(PROFILE, WindowsPlanner.networkCapabilities(NetworkMode.ALL), false));
    assertThat(WfpContainerClaims.needsClaim(all)).isTrue();
    WindowsLaunchPlan filtered = new WindowsLaunchPlan();
    filtered.appContainer(new AppContainerSpec(PROFILE, List.of(), false));
    filtered.addWfpFilters(
        WindowsPlanner.wfpFilters(new NetworkPolicy(NetworkMode.NONE, List.of()), h -> List.of()));
    assertThat(WfpContainerClaims.needsClaim(filtered)).isTrue();
    assertThat(WfpContainerClaims.needsClaim(new WindowsLaunchPlan())).isFalse();
  }
}
