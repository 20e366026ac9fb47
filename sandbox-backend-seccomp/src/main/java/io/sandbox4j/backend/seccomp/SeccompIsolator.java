package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import java.util.Set;

/**
 * An isolator of one feature that the native launcher enforces with a seccomp program: available
 * where the launcher runs and filters can be installed for {@code osArch}; when it owns its feature
 * it adds its program (built for that architecture's syscall table) to the run's plan.
 */
abstract class SeccompIsolator extends AbstractIsolator {
  private final Feature feature;
  private final LinuxHost host;
  final String osArch;

  SeccompIsolator(String id, Aspect aspect, Feature feature, LinuxHost host, String osArch) {
    super(id, aspect, Set.of(feature));
    this.feature = feature;
    this.host = host;
    this.osArch = osArch;
  }

  /** What it enforces, as the probe reports it when available. */
  abstract String enforces();

  /** Adds the program (and whatever else the feature takes) to the run's plan. */
  abstract void install(LinuxLaunchPlan plan, SyscallTable table);

  @Override
  public final Availability probe() {
    return Availability.allOf(
        LinuxRequirements.launcher(host),
        LinuxRequirements.seccomp(host, osArch),
        Availability.available(enforces()));
  }

  @Override
  public final void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("seccomp", this);
    if (owned.contains(feature)) {
      LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
      install(plan, SyscallTable.forArch(osArch).orElseThrow());
    }
  }
}
