package io.sandbox4j.backend.restrictedtoken;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.AccessGrant;
import io.sandbox4j.launcher.windows.Sid;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every restrictedtoken isolator contributes: the restricted token (its restricting SIDs are
 * the workspace SID, the run SID and RESTRICTED), and the one-time grants without which the
 * low-integrity, write-restricted process could not write its workspace at all: a low integrity
 * label on each writable root, MODIFY for the workspace SID, and denials on protected paths.
 */
final class TokenPlans {
  private TokenPlans() {}

  static WindowsLaunchPlan ensure(SandboxPolicy policy, LaunchSpec spec) {
    WindowsLaunchPlan plan = spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new);
    var fs = policy.filesystem();
    Sid workspaceSid = WindowsPlanner.workspaceSid(fs.workspace());
    plan.restrictedToken(WindowsPlanner.restrictedToken(workspaceSid, plan.runSid()));
    List<AccessGrant> grants = new ArrayList<>();
    for (Path root : fs.allWritableRoots()) {
      grants.add(
          new AccessGrant(
              root, Sid.LOW_INTEGRITY, AccessGrant.Mode.LOW_INTEGRITY_LABEL, 0x1, true));
    }
    grants.addAll(WindowsPlanner.writeGrants(fs, workspaceSid));
    plan.addWorkspaceGrants(fs.workspace(), grants);
    plan.addProtectedPlaceholders(WindowsPlanner.missingProtectedPaths(fs));
    return plan;
  }
}
