package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Rlimit;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Memory (RLIMIT_AS), CPU time (RLIMIT_CPU), file size (RLIMIT_FSIZE) and open files
 * (RLIMIT_NOFILE), per process; and a per-sandbox process limit, by one of two mechanisms:
 *
 * <ul>
 *   <li>a caller that is not root: RLIMIT_NPROC set inside the sandbox's own user namespace (the
 *       kernel counts processes per user namespace since 5.14, so only this sandbox's count);
 *   <li>a root caller (exempt from RLIMIT_NPROC): a pids cgroup the launcher creates beneath the
 *       caller's own cgroup, when that is writable.
 * </ul>
 *
 * Both also put the sandbox in a pid namespace. When neither works, {@link Feature#RES_MAX_PROCS}
 * is not declared and {@link #probe()} says why.
 */
final class NamespacesResourceIsolator extends AbstractIsolator {
  /** The launcher's supervisor and the pid namespace's init, inside the user namespace. */
  static final int LAUNCHER_PROCESSES_IN_USERNS = 2;

  /** The pid namespace's init, inside the cgroup. */
  static final int LAUNCHER_PROCESSES_IN_CGROUP = 1;

  private final LinuxHost host;

  NamespacesResourceIsolator(LinuxHost host) {
    super("resources", Aspect.RESOURCE);
    this.host = host;
  }

  enum ProcessLimit {
    USERNS_RLIMIT,
    PIDS_CGROUP
  }

  Optional<ProcessLimit> processLimit() {
    if (!Namespaces.requirements(host).available()) {
      return Optional.empty();
    }
    if (!host.root()) {
      return Optional.of(ProcessLimit.USERNS_RLIMIT);
    }
    return host.pidsCgroup().map(p -> ProcessLimit.PIDS_CGROUP);
  }

  @Override
  public Set<Feature> features() {
    EnumSet<Feature> f =
        EnumSet.of(
            Feature.RES_MEMORY,
            Feature.RES_CPU_TIME,
            Feature.RES_FILE_SIZE,
            Feature.RES_OPEN_FILES);
    if (processLimit().isPresent()) {
      f.add(Feature.RES_MAX_PROCS);
    }
    return f;
  }

  @Override
  public Availability probe() {
    Availability launcher = LinuxRequirements.launcher(host);
    if (!launcher.available()) {
      return launcher;
    }
    Optional<ProcessLimit> limit = processLimit();
    String procs =
        limit.isEmpty()
            ? "no per-sandbox process limit here: "
                + (host.root()
                    ? "root is exempt from RLIMIT_NPROC and no writable pids cgroup was found"
                        + " (mount the cgroup v1 pids controller or delegate pids in cgroup v2)"
                    : Namespaces.requirements(host).detail())
            : limit.get() == ProcessLimit.PIDS_CGROUP
                ? "process limit by a pids cgroup beneath " + host.pidsCgroup().orElseThrow()
                : "process limit by RLIMIT_NPROC in the sandbox's user namespace";
    return Availability.available("rlimits for memory, CPU time, file size, open files; " + procs);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    ResourceLimits r = policy.resources();
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    if (owned.contains(Feature.RES_MEMORY)) {
      r.memoryBytes().ifPresent(v -> plan.rlimit(Rlimit.AS, v));
    }
    if (owned.contains(Feature.RES_CPU_TIME)) {
      r.cpuTime()
          .ifPresent(d -> plan.rlimit(Rlimit.CPU, d.getSeconds() + (d.getNano() > 0 ? 1 : 0)));
    }
    if (owned.contains(Feature.RES_FILE_SIZE)) {
      r.maxFileSizeBytes().ifPresent(v -> plan.rlimit(Rlimit.FSIZE, v));
    }
    if (owned.contains(Feature.RES_OPEN_FILES)) {
      r.maxOpenFiles().ifPresent(v -> plan.rlimit(Rlimit.NOFILE, v));
    }
    // A max-procs this isolator cannot enforce here is refused even when not owned: no Linux
    // isolator declares RES_MAX_PROCS then (the engine refuses such a policy before contributing),
    // so a library caller driving this isolator alone must not get a run without the limit.
    boolean unenforceable = processLimit().isEmpty();
    if (r.maxProcesses().isPresent() && (owned.contains(Feature.RES_MAX_PROCS) || unenforceable)) {
      int n = r.maxProcesses().getAsInt();
      ProcessLimit how =
          processLimit()
              .orElseThrow(
                  () ->
                      SandboxException.cannotSandbox(
                          "max-procs cannot be enforced per sandbox here: " + probe().detail()));
      Namespaces.pid(plan);
      if (how == ProcessLimit.USERNS_RLIMIT) {
        plan.rlimit(Rlimit.NPROC, (long) n + LAUNCHER_PROCESSES_IN_USERNS);
      } else {
        Path parent = host.pidsCgroup().orElseThrow();
        plan.pidsCgroup(parent, n + LAUNCHER_PROCESSES_IN_CGROUP);
      }
    }
  }
}
