package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.FakeLinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Relay;
import io.sandbox4j.proxy.RunProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the network isolator plans for an allow-list; nothing is started or run here. */
class AllowListPlanTest {
  @TempDir Path ws;
  @TempDir Path tmp;

  private LaunchSpec contribute(NetworkPolicy network) throws Exception {
    Path unix = Files.writeString(tmp.resolve("unix"), "Num RefCount Protocol Flags Type St\n");
    NamespacesNetworkIsolator net =
        new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "amd64");
    SandboxPolicy policy =
        SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of()).network(network).build();
    assertThat(net.requiredBy(policy)).containsExactly(Feature.NET_ALLOWLIST);
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), ws, Map.of());
    net.contribute(policy, net.requiredBy(policy), spec);
    return spec;
  }

  @Test
  void theClosedNamespaceGetsTheProxyRelayAndOneRelayPerLoopbackService() throws Exception {
    LaunchSpec spec =
        contribute(
            NetworkPolicy.allowRules(
                List.of("registry.example.org", "localhost:5432", "127.0.0.1:3128", "10.0.0.0/8"),
                List.of("x.example.org")));
    LinuxLaunchPlan plan = spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
    RunProxy proxy = spec.findExtension(RunProxy.class).orElseThrow();
    try {
      assertThat(plan.namespaces()).contains(Namespace.NET);
      assertThat(plan.isLoopbackUp()).isTrue();
      assertThat(plan.seccompFilters()).hasSize(1);
      // 3128 is taken by a listed host service, so the proxy moves to the next port
      assertThat(proxy.port()).isEqualTo(3129);
      assertThat(plan.relays())
          .containsExactly(
              new Relay(3129, proxy.socket(), Optional.empty()),
              new Relay(3128, proxy.socket(), Optional.of("127.0.0.1:3128")),
              new Relay(5432, proxy.socket(), Optional.of("127.0.0.1:5432")));
      assertThat(proxy.socket().startsWith(ws)).isFalse();
      assertThat(proxy.rules().deny()).hasSize(1);
      assertThat(proxy.running()).isFalse(); // the engine starts it
    } finally {
      spec.runCleanups();
    }
    assertThat(proxy.directory()).doesNotExist();
  }

  @Test
  void publishedPortsAreHostListenersBesideTheRelaysAndNeverTheRelaysPorts() throws Exception {
    NetworkPolicy network =
        NetworkPolicy.allowRules(List.of("localhost:5432"), List.of())
            .withPublish(List.of(3128, 8080));
    Path unix = Files.writeString(tmp.resolve("unix"), "Num RefCount Protocol Flags Type St\n");
    NamespacesNetworkIsolator net =
        new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "amd64");
    SandboxPolicy policy =
        SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of()).network(network).build();
    assertThat(net.requiredBy(policy))
        .containsExactlyInAnyOrder(Feature.NET_ALLOWLIST, Feature.NET_PUBLISH);
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), ws, Map.of());
    net.contribute(policy, net.requiredBy(policy), spec);
    try {
      LinuxLaunchPlan plan = spec.findExtension(LinuxLaunchPlan.class).orElseThrow();
      // the proxy steps aside from a published 3128
      assertThat(spec.findExtension(RunProxy.class).orElseThrow().port()).isEqualTo(3129);
      assertThat(plan.published()).containsExactly(3128, 8080);
      assertThat(plan.namespaces()).contains(Namespace.NET);
    } finally {
      spec.runCleanups();
    }
    NetworkPolicy clash =
        NetworkPolicy.allowRules(List.of("localhost:5432"), List.of()).withPublish(List.of(5432));
    assertThatThrownBy(() -> contributeOwning(clash, net))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("port 5432 cannot be published");
  }

  @Test
  void publishingWithoutOwningTheNetworkIsRefused() throws Exception {
    Path unix = Files.writeString(tmp.resolve("unix"), "Num RefCount Protocol Flags Type St\n");
    NamespacesNetworkIsolator net =
        new NamespacesNetworkIsolator(FakeLinuxHost.ordinaryUser(), unix, "amd64");
    SandboxPolicy policy =
        SandboxPolicy.builder(ws)
            .denyCredentialStores(false, Map.of())
            .network(NetworkPolicy.NONE.withPublish(List.of(8080)))
            .build();
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), ws, Map.of());
    assertThatThrownBy(() -> net.contribute(policy, Set.of(Feature.NET_PUBLISH), spec))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining("another backend enforces this run's network");
  }

  private LaunchSpec contributeOwning(NetworkPolicy network, NamespacesNetworkIsolator net) {
    SandboxPolicy policy =
        SandboxPolicy.builder(ws).denyCredentialStores(false, Map.of()).network(network).build();
    LaunchSpec spec = new LaunchSpec(policy, List.of("true"), ws, Map.of());
    try {
      net.contribute(policy, net.requiredBy(policy), spec);
    } finally {
      spec.runCleanups();
    }
    return spec;
  }

  @Test
  void anyHostOnAPortHasNoRuleFormAndIsRefused() {
    assertThatThrownBy(
            () -> contribute(NetworkPolicy.allow(List.of(new HostPort("*", OptionalInt.of(53))))))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining("any host on a port");
  }
}
