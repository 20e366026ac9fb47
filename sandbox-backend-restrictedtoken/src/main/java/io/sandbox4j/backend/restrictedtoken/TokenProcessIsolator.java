package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.JobLimits;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsIsolator;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.EnumSet;
import java.util.Set;

/**
 * Processes: DISABLE_MAX_PRIVILEGE and deny-only administrator groups (no privileges, no admin
 * rights), low integrity (no reading or writing the caller's medium-integrity processes), a
 * kill-on-close job entered at creation with all UI restrictions, and a private desktop (no window
 * messages to or from the caller's desktop).
 */
final class TokenProcessIsolator extends WindowsIsolator {

  TokenProcessIsolator(WindowsHost host) {
    super(
        Aspect.PROCESS,
        EnumSet.of(
            Feature.PROC_NO_PRIVILEGES,
            Feature.PROC_ISOLATION,
            Feature.PROC_TREE_KILL,
            Feature.PROC_NEW_SESSION),
        host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsLaunchPlan plan =
        WindowsPlanner.restrictTokenToWorkspace(policy, WindowsLaunchPlan.of(spec));
    plan.limitJob(JobLimits.ALL_UI_RESTRICTIONS);
    plan.privateDesktop(true);
  }
}
