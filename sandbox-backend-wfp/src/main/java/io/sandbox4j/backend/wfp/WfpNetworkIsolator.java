package io.sandbox4j.backend.wfp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsIsolator;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import io.sandbox4j.proxy.NetworkRules;
import io.sandbox4j.proxy.RunProxy;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Network: block filters at ALE_AUTH_CONNECT_V4/V6 and ALE_AUTH_RECV_ACCEPT_V4/V6 for the run's
 * package SID, and permits (higher weight, same sublayer) for each allow-listed address and port.
 * The filters live in a dynamic session: they vanish when the run ends or this JVM dies. They match
 * only an AppContainer process, so this isolator runs the command in the workspace's AppContainer
 * (no network capability in mode none, internetClient with an allow-list).
 *
 * <p>An allow-list the address filters cannot express (wildcards, CIDR blocks, deny entries) is
 * enforced by the filtering proxy instead (issue 12): it runs in this JVM on the host's 127.0.0.1,
 * the filters permit the container that one address and port and nothing else, and the engine sets
 * the same proxy variables as on Linux. The container needs an exemption from Windows' loopback
 * isolation to reach it; without one, every destination is blocked (over-blocking, never a leak).
 */
final class WfpNetworkIsolator extends WindowsIsolator {
  private final Supplier<Availability> wfpRights;
  private final WindowsPlanner.HostResolver resolver;
  private volatile Availability probed;

  WfpNetworkIsolator(
      WindowsHost host, Supplier<Availability> wfpRights, WindowsPlanner.HostResolver resolver) {
    super(Aspect.NETWORK, EnumSet.of(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST), host);
    this.wfpRights = wfpRights;
    this.resolver = resolver;
  }

  /** Windows, then the rights to add filters; WFP is only touched on a Windows host. */
  @Override
  public Availability probe() {
    Availability a = probed;
    if (a == null) {
      Availability os = super.probe();
      a = os.available() ? Availability.allOf(os, wfpRights.get()) : os;
      probed = a;
    }
    return a;
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    // The filters match the package SID of the workspace's AppContainer and nothing else, so the
    // command runs in that container (the same one the appcontainer backend would use).
    NetworkPolicy n = policy.network();
    boolean throughProxy =
        n.mode() == NetworkMode.ALLOW && (!n.deny().isEmpty() || !expressible(n));
    if (throughProxy && n.rules().isEmpty()) {
      throw SandboxException.cannotSandbox(
          "the wfp backend has no form for the network allow-list "
              + n.allow()
              + " (any host on a port) with deny entries; list host names or addresses");
    }
    WindowsLaunchPlan plan = WindowsPlanner.containWorkspace(policy, WindowsLaunchPlan.of(spec));
    if (throughProxy) {
      RunProxy proxy = RunProxy.onHostLoopback(NetworkRules.parse(n.rules(), n.deny()));
      spec.onCleanup(proxy::stop);
      spec.extension(RunProxy.class, () -> proxy);
      plan.addWfpFilters(WindowsPlanner.wfpProxyFilters(proxy.port()));
    } else {
      plan.addWfpFilters(WindowsPlanner.wfpFilters(n, resolver));
    }
  }

  /** Whether every rule reached the host-and-port list (no wildcard or block was left out). */
  static boolean expressible(NetworkPolicy n) {
    return n.rules().stream().noneMatch(r -> r.startsWith("*") || r.contains("/"));
  }
}
