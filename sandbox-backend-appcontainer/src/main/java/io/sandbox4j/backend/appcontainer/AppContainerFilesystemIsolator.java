package io.sandbox4j.backend.appcontainer;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.windows.Sid;
import io.sandbox4j.launcher.windows.WindowsHost;
import io.sandbox4j.launcher.windows.WindowsIsolator;
import io.sandbox4j.launcher.windows.WindowsLaunchPlan;
import io.sandbox4j.launcher.windows.WindowsPlanner;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files: the container SID may write only the writable roots (one-time inherited grants), protected
 * paths carry deny ACEs for it, read-denied paths inside granted roots carry deny ACEs and every
 * other read-denied path is checked unreadable by the container before launch; the run gets a
 * private temporary directory that only the caller and the run's own capability SID can open. The
 * private home needs no mount: the container's SID is granted nothing in the user's profile, which
 * is checked unreadable before launch, except the writable roots and read grants.
 */
final class AppContainerFilesystemIsolator extends WindowsIsolator {

  AppContainerFilesystemIsolator(WindowsHost host) {
    super(
        Aspect.FILESYSTEM,
        EnumSet.of(
            Feature.FS_WRITE_CONFINEMENT,
            Feature.FS_READ_DENY,
            Feature.FS_PROTECTED_PATHS,
            Feature.FS_PRIVATE_TMP,
            Feature.FS_PRIVATE_HOME),
        host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsLaunchPlan plan =
        WindowsPlanner.containWorkspaceDenyingReads(policy, WindowsLaunchPlan.of(spec));
    for (Path p : policy.filesystem().readDeny()) {
      plan.requireUnreadable(p);
    }
    if (owned.contains(Feature.FS_PRIVATE_HOME)) {
      // the container's SID is granted nothing in the profile: checked, then the grants added
      policy.filesystem().privateHomes().forEach(plan::requireUnreadable);
      plan.addWorkspaceGrants(
          policy.filesystem().workspace(),
          WindowsPlanner.privateHomeGrants(policy.filesystem(), Sid.RUN_APPCONTAINER));
    }
    if (policy.filesystem().privateTmp()) {
      plan.privateTmpUnderLocalAppData(host().environment());
    }
  }
}
