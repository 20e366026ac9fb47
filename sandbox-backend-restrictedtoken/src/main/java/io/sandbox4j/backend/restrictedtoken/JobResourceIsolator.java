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
 * Resources through the job object: JobMemoryLimit for the whole tree, PerJobUserTimeLimit for CPU
 * time, ActiveProcessLimit for the process count. File size and open-file limits have no job
 * equivalent and are not declared.
 */
final class JobResourceIsolator extends WindowsIsolator {

  JobResourceIsolator(WindowsHost host) {
    super(
        Aspect.RESOURCE,
        EnumSet.of(Feature.RES_MEMORY, Feature.RES_CPU_TIME, Feature.RES_MAX_PROCS),
        host);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    WindowsLaunchPlan.of(spec).limitJob(WindowsPlanner.jobLimits(policy.resources(), false));
  }
}
