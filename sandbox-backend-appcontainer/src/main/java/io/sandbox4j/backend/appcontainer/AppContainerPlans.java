package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.AccessGrant;
import io.sandbox4j.launcher.windows.AppContainerSpec;
import io.sandbox4j.launcher.windows.JobLimits;
import io.sandbox4j.launcher.windows.Sid;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.util.ArrayList;
import java.util.List;

/**
 * What every appcontainer isolator contributes, whichever is selected: the per-workspace container
 * with exactly the capabilities the network mode needs, the container's grants on the writable
 * roots (it could not write anything otherwise) and the protected-path denials, and a kill-on-close
 * job.
 */
final class AppContainerPlans {
  private AppContainerPlans() {}

  static WindowsLaunchPlan ensure(SandboxPolicy policy, LaunchSpec spec) {
    WindowsLaunchPlan plan = spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new);
    var fs = policy.filesystem();
    plan.appContainer(
        new AppContainerSpec(
            WindowsPlanner.profileName(fs.workspace()),
            WindowsPlanner.networkCapabilities(policy.network().mode()),
            false));
    List<AccessGrant> grants =
        new ArrayList<>(WindowsPlanner.writeGrants(fs, Sid.RUN_APPCONTAINER));
    grants.addAll(WindowsPlanner.readDenyGrants(fs, Sid.RUN_APPCONTAINER));
    plan.addWorkspaceGrants(fs.workspace(), grants);
    plan.addProtectedPlaceholders(WindowsPlanner.missingProtectedPaths(fs));
    plan.limitJob(JobLimits.KILL_ON_CLOSE);
    return plan;
  }
}
