package io.sandbox4j.backend.restrictedtoken;

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
 * File writes: with WRITE_RESTRICTED every write must also be granted to a restricting SID, and
 * only the writable roots grant the workspace SID; low integrity additionally blocks writes to
 * anything not labelled low. Reads are not restricted (this backend declares no read feature). The
 * private temporary directory is granted to the run SID only.
 */
final class TokenFilesystemIsolator extends WindowsIsolator {

  TokenFilesystemIsolator(WindowsHost host) {
    super(
        Aspect.FILESYSTEM,
        EnumSet.of(
            Feature.FS_WRITE_CONFINEMENT, Feature.FS_PROTECTED_PATHS, Feature.FS_PRIVATE_TMP),
        host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsLaunchPlan plan =
        WindowsPlanner.restrictTokenToWorkspace(policy, WindowsLaunchPlan.of(spec));
    if (policy.filesystem().privateTmp()) {
      plan.privateTmpUnderLocalAppData(host().environment());
    }
  }
}
