package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsIsolator;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.Locale;
import java.util.Set;

/**
 * No network: an AppContainer without network capabilities reaches nothing, loopback included.
 * Allow-lists need the wfp backend (the capability alone would open every destination).
 */
final class AppContainerNetworkIsolator extends WindowsIsolator {

  AppContainerNetworkIsolator(WindowsHost host) {
    super(Aspect.NETWORK, Set.of(Feature.NET_DENY_ALL), host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    if (policy.network().mode() != NetworkMode.NONE) {
      throw SandboxException.cannotSandbox(
          "the appcontainer network isolator only denies all network; network mode '"
              + policy.network().mode().name().toLowerCase(Locale.ROOT)
              + "' needs the wfp backend");
    }
    WindowsPlanner.containWorkspaceDenyingReads(policy, WindowsLaunchPlan.of(spec));
  }
}
