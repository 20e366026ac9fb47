package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsIsolator;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.EnumSet;
import java.util.Set;

/**
 * Processes: an AppContainer process cannot open the caller's other processes (their DACLs grant
 * neither its container SID nor ALL APPLICATION PACKAGES); it starts in a kill-on-close job through
 * the job-list attribute (no breakaway), without a console of the caller's.
 */
final class AppContainerProcessIsolator extends WindowsIsolator {

  AppContainerProcessIsolator(WindowsHost host) {
    super(
        Aspect.PROCESS,
        EnumSet.of(Feature.PROC_ISOLATION, Feature.PROC_TREE_KILL, Feature.PROC_NEW_SESSION),
        host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsPlanner.containWorkspaceDenyingReads(policy, WindowsLaunchPlan.of(spec));
  }
}
