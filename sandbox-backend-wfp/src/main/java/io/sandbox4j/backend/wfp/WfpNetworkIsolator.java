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
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Network: block filters at ALE_AUTH_CONNECT_V4/V6 and ALE_AUTH_RECV_ACCEPT_V4/V6 for the run's
 * package SID, and permits (higher weight, same sublayer) for each allow-listed address and port.
 * The filters live in a dynamic session: they vanish when the run ends or this JVM dies. They match
 * only an AppContainer process, so this isolator runs the command in the workspace's AppContainer
 * (no network capability in mode none, internetClient with an allow-list).
 */
final class WfpNetworkIsolator extends WindowsIsolator {
  private final Supplier<Availability> wfpRights;
  private final WindowsPlanner.HostResolver resolver;
  private volatile Availability probed;

  WfpNetworkIsolator(
      WindowsHost host, Supplier<Availability> wfpRights, WindowsPlanner.HostResolver resolver) {
    super("network", Aspect.NETWORK, EnumSet.of(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST), host);
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
    if (n.mode() == NetworkMode.ALLOW && (!n.deny().isEmpty() || !expressible(n))) {
      // Address filters cannot express wildcards, blocks or deny entries: refuse rather than
      // enforce a different list than the one asked for.
      throw SandboxException.cannotSandbox(
          "the wfp backend filters by address and port only and cannot enforce the network"
              + " rules "
              + n.rules()
              + (n.deny().isEmpty() ? "" : " with deny entries " + n.deny())
              + "; list host names, addresses and ports only, without --net-deny");
    }
    WindowsLaunchPlan plan = WindowsPlanner.containWorkspace(policy, WindowsLaunchPlan.of(spec));
    plan.addWfpFilters(WindowsPlanner.wfpFilters(policy.network(), resolver));
  }

  /** Whether every rule reached the host-and-port list (no wildcard or block was left out). */
  static boolean expressible(NetworkPolicy n) {
    return n.rules().stream().noneMatch(r -> r.startsWith("*") || r.contains("/"));
  }
}
