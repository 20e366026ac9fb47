package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.nio.file.Path;

/**
 * What the isolators share: the plan extension, the base namespaces and the common requirements.
 */
final class Namespaces {
  private Namespaces() {}

  static LinuxLaunchPlan plan(LaunchSpec spec) {
    return spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
  }

  /**
   * A user namespace (the caller's uid and gid mapped to themselves; no capabilities outside it)
   * with a mount namespace.
   */
  static void userAndMount(LinuxLaunchPlan plan) {
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
  }

  /**
   * A pid namespace whose init is the launcher (everything dies with it) with its own /proc, so the
   * command sees and reaches only its own processes.
   */
  static void pid(LinuxLaunchPlan plan) {
    userAndMount(plan);
    plan.addNamespaces(Namespace.PID);
    plan.addMount(Mount.of(MountKind.PROC, Path.of("/proc")));
  }

  /**
   * The launcher and user namespaces both work here (available with no detail), or why not: the
   * first part of every isolator's {@link Availability#allOf probe}.
   */
  static Availability requirements(LinuxHost host) {
    return Availability.allOf(
        LinuxRequirements.launcher(host), LinuxRequirements.userNamespaces(host));
  }
}
