package io.sandbox4j.backend.wfp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.WfpCondition;
import io.sandbox4j.launcher.windows.WfpFilter;
import io.sandbox4j.launcher.windows.WfpLayer;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import io.sandbox4j.proxy.RunProxy;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WfpBackendTest {
  /** Absolute on every OS (a literal such as /work/ws has no drive on Windows). */
  private static final Path WS =
      Path.of(System.getProperty("java.io.tmpdir"), "sandbox4j-test", "ws");

  @Test
  void onLinuxItSaysItRequiresWindowsWithoutTouchingWfp() {
    AtomicInteger calls = new AtomicInteger();
    WfpBackend b =
        new WfpBackend(
            new WindowsHost("Linux", "6.18", Map.of()),
            () -> {
              calls.incrementAndGet();
              return Availability.available("");
            },
            h -> List.of());
    assertThat(b.id()).isEqualTo("wfp");
    assertThat(b.isolators().get(0).probe().detail())
        .isEqualTo("requires Windows (this host is Linux)");
    assertThat(calls).hasValue(0);
  }

  @Test
  void withoutAdministratorRightsItIsUnavailableWithThatReason() {
    Isolator i =
        new WfpBackend(
                new WindowsHost("Windows 11", "10.0", Map.of()),
                () -> Availability.unavailable("requires administrator rights to add WFP filters"),
                h -> List.of())
            .isolators()
            .get(0);
    assertThat(i.probe().available()).isFalse();
    assertThat(i.probe().detail()).contains("administrator");
    assertThat(i.features()).containsExactlyInAnyOrder(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST);
  }

  @Test
  void contributesBlocksAndPermitsForTheAllowList() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.10");
    Isolator i =
        new WfpBackend(
                new WindowsHost("Windows 11", "10.0", Map.of()),
                () -> Availability.available(""),
                h -> List.of(a))
            .isolators()
            .get(0);
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .network(NetworkPolicy.allow(List.of(HostPort.parse("api.example:443"))))
            .build();
    LaunchSpec spec = new LaunchSpec(p, List.of("cmd.exe"), WS, Map.of());
    i.contribute(p, i.requiredBy(p), spec);
    WindowsLaunchPlan plan = spec.findExtension(WindowsLaunchPlan.class).orElseThrow();
    assertThat(plan.appContainer().orElseThrow().capabilities())
        .as("filters need a package SID to match: the command runs in the workspace container")
        .containsExactly(io.sandbox4j.launcher.windows.Sid.CAPABILITY_INTERNET_CLIENT);
    List<WfpFilter> f = plan.wfpFilters();
    assertThat(f).filteredOn(x -> x.action() == WfpFilter.Action.BLOCK).hasSize(4);
    assertThat(f)
        .filteredOn(x -> x.action() == WfpFilter.Action.PERMIT)
        .singleElement()
        .satisfies(x -> assertThat(x.layer()).isEqualTo(WfpLayer.ALE_AUTH_CONNECT_V4));
  }

  @Test
  void aDomainAllowListGoesThroughTheProxyWhosePortIsAllTheFiltersPermit() throws Exception {
    Isolator i =
        new WfpBackend(
                new WindowsHost("Windows 11", "10.0", Map.of()),
                () -> Availability.available(""),
                h -> {
                  throw new AssertionError("the proxy resolves names, not the planner: " + h);
                })
            .isolators()
            .get(0);
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .network(NetworkPolicy.allowRules(List.of("*.example.org"), List.of("x.example.org")))
            .build();
    LaunchSpec spec = new LaunchSpec(p, List.of("cmd.exe"), WS, Map.of());
    i.contribute(p, i.requiredBy(p), spec);
    RunProxy proxy = spec.findExtension(RunProxy.class).orElseThrow();
    try {
      assertThat(proxy.running()).as("listening on the host's loopback already").isTrue();
      assertThat(proxy.rules().deny()).hasSize(1);
      WindowsLaunchPlan plan = spec.findExtension(WindowsLaunchPlan.class).orElseThrow();
      assertThat(plan.wfpFilters())
          .isEqualTo(WindowsPlanner.wfpProxyFilters(proxy.port()))
          .filteredOn(x -> x.action() == WfpFilter.Action.PERMIT)
          .singleElement()
          .satisfies(
              x ->
                  assertThat(x.conditions())
                      .contains(
                          WfpCondition.remoteAddress(InetAddress.getByName("127.0.0.1")),
                          WfpCondition.remotePort(proxy.port())));
    } finally {
      spec.runCleanups();
    }
    assertThat(proxy.running()).as("stopped by the spec's cleanup").isFalse();
  }
}
