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
import io.sandbox4j.launcher.linux.MemoryCgroup;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Memory, CPU time (RLIMIT_CPU), file size (RLIMIT_FSIZE) and open files (RLIMIT_NOFILE), per
 * process; memory also for the sandbox as a whole where a memory cgroup can be had; and a
 * per-sandbox process limit.
 *
 * <p>Memory: each process's address space (RLIMIT_AS); each private tmpfs capped at the limit; and,
 * when {@link LinuxHost#memoryCgroup()} finds a writable memory cgroup (root, or a delegated cgroup
 * v2 subtree), a per-run cgroup limited to it, which counts every page the sandbox touches: its
 * processes, its tmpfs files and memfds. Without one, tmpfs and memfd pages are bounded only by the
 * tmpfs sizes (up to three times the limit) and memfds not at all: {@link #explain} says so.
 *
 * <p>The process limit, by one of two mechanisms:
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
  private static final Logger LOG = System.getLogger(NamespacesResourceIsolator.class.getName());

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
    String memory =
        host.memoryCgroup()
            .map(m -> "memory of the whole sandbox by a " + m.describe())
            .orElse(
                "no memory cgroup here ("
                    + (host.root()
                        ? "no memory controller mounted"
                        : "not root and no delegated cgroup v2 memory controller")
                    + "): memory is bounded per process and by tmpfs sizes only");
    return Availability.available(
        "rlimits for memory, CPU time, file size, open files; " + memory + "; " + procs);
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    ResourceLimits r = policy.resources();
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    if (owned.contains(Feature.RES_MEMORY) && r.memoryBytes().isPresent()) {
      long v = r.memoryBytes().getAsLong();
      plan.rlimit(Rlimit.AS, v);
      plan.tmpfsSize(v);
      host.memoryCgroup()
          .ifPresentOrElse(
              m -> m.limits(v).forEach((file, value) -> plan.cgroupLimit(m.parent(), file, value)),
              // Said on every such run, not only by explain: the caller asked for a bound the
              // host cannot give in full (found by the red team: memfd pages pinned past it).
              () ->
                  LOG.log(
                      Level.WARNING,
                      "--memory bounds each process and each private tmpfs only: without a"
                          + " memory cgroup (root, or a delegated cgroup v2 memory controller)"
                          + " memfd and shared memory pages of the sandbox are not bounded"));
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

  @Override
  public List<String> explain(SandboxPolicy policy, Set<Feature> owned) {
    ResourceLimits r = policy.resources();
    List<String> out = new ArrayList<>();
    if (owned.contains(Feature.RES_MEMORY) && r.memoryBytes().isPresent()) {
      long v = r.memoryBytes().getAsLong();
      Optional<MemoryCgroup> cg = host.memoryCgroup();
      if (cg.isPresent()) {
        out.add(
            "memory: the whole sandbox at "
                + v
                + " bytes by a per-run "
                + cg.get().describe()
                + " (its processes and the pages of its tmpfs files and memfds)"
                + (cg.get().swapLimit()
                    ? ", swap included"
                    : "; swap not limited (no swap limit file: swap accounting is off)"));
      } else {
        out.add(
            "memory: not bounded for the sandbox as a whole: no memory cgroup here ("
                + (host.root()
                    ? "no memory controller mounted"
                    : "not root and no delegated cgroup v2 memory controller")
                + "); memfd and System V shared memory pages are not bounded");
      }
      out.add("memory: each process's address space at " + v + " bytes (RLIMIT_AS)");
      out.add(
          "memory: each private tmpfs (/tmp, /var/tmp, /dev/shm) at "
              + v
              + " bytes and "
              + Math.max(1024, v / LinuxLaunchPlan.TMPFS_BYTES_PER_INODE)
              + " files"
              + (cg.isPresent() ? ", counted in the cgroup" : ", up to " + 3 * v + " together"));
    }
    if (owned.contains(Feature.RES_CPU_TIME) && r.cpuTime().isPresent()) {
      out.add("cpu-time: each process (RLIMIT_CPU, killed at the limit); not the sandbox's total");
    }
    if (owned.contains(Feature.RES_FILE_SIZE) && r.maxFileSizeBytes().isPresent()) {
      out.add("max-file-size: each file written (RLIMIT_FSIZE); not the total written");
    }
    if (owned.contains(Feature.RES_OPEN_FILES) && r.maxOpenFiles().isPresent()) {
      out.add("max-open-files: each process's descriptors (RLIMIT_NOFILE)");
    }
    if (owned.contains(Feature.RES_MAX_PROCS) && r.maxProcesses().isPresent()) {
      out.add(
          "max-procs: the whole sandbox, by "
              + (processLimit().orElse(ProcessLimit.USERNS_RLIMIT) == ProcessLimit.PIDS_CGROUP
                  ? "a per-run pids cgroup beneath " + host.pidsCgroup().orElseThrow()
                  : "RLIMIT_NPROC in the sandbox's own user namespace"));
    }
    return out;
  }
}
