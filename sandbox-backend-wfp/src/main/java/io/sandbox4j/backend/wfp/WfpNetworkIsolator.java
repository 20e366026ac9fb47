package io.sandbox4j.backend.wfp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.WindowsHost;
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
final class WfpNetworkIsolator implements Isolator {
  private final String osName;
  private final String osVersion;
  private final Supplier<Availability> wfpRights;
  private final WindowsPlanner.HostResolver resolver;
  private volatile Availability probed;

  WfpNetworkIsolator(
      String osName,
      String osVersion,
      Supplier<Availability> wfpRights,
      WindowsPlanner.HostResolver resolver) {
    this.osName = osName;
    this.osVersion = osVersion;
    this.wfpRights = wfpRights;
    this.resolver = resolver;
  }

  @Override
  public String id() {
    return "network";
  }

  @Override
  public Aspect aspect() {
    return Aspect.NETWORK;
  }

  @Override
  public Set<Feature> features() {
    return EnumSet.of(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST);
  }

  @Override
  public Availability probe() {
    Availability a = probed;
    if (a == null) {
      a = WindowsHost.probeOs(osName, osVersion);
      if (a.available()) {
        a = wfpRights.get();
      }
      probed = a;
    }
    return a;
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsLaunchPlan plan = spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new);
    // The filters match the package SID of the workspace's AppContainer and nothing else, so the
    // command runs in that container (the same one the appcontainer backend would use).
    WindowsPlanner.containWorkspace(policy, plan);
    plan.addWfpFilters(WindowsPlanner.wfpFilters(policy.network(), resolver));
  }
}
