package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.Sid;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;

/**
 * What every appcontainer isolator contributes, whichever is selected: the per-workspace container
 * ({@link WindowsPlanner#containWorkspace}) and the deny ACEs for read-denied paths inside the
 * writable roots.
 */
final class AppContainerPlans {
  private AppContainerPlans() {}

  static WindowsLaunchPlan ensure(SandboxPolicy policy, LaunchSpec spec) {
    WindowsLaunchPlan plan =
        WindowsPlanner.containWorkspace(
            policy, spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new));
    plan.addWorkspaceGrants(
        policy.filesystem().workspace(),
        WindowsPlanner.readDenyGrants(policy.filesystem(), Sid.RUN_APPCONTAINER));
    return plan;
  }
}
