package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LandlockRules;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The one Landlock ruleset of a run, shared by this backend's isolators.
 *
 * <p>{@link LinuxLaunchPlan#landlock(LandlockRules)} may be set once per launch, but the filesystem
 * and process isolators both need a part of it. So each of them contributes the backend's complete
 * ruleset for the policy (filesystem rules, signal scoping, and abstract unix socket scoping when
 * the policy allows no network): the first sets it, the others find the same ruleset already there.
 * The ruleset is computed once per launch, after every isolator has contributed. A ruleset set by
 * anyone else makes the contribution fail rather than silently enforce less.
 */
final class LandlockContribution {
  private final LandlockPlanner planner;
  private final Map<LaunchSpec, Boolean> registered = new WeakHashMap<>();
  private final Map<LaunchSpec, Boolean> viewRegistered = new WeakHashMap<>();
  private final ReadOnlyHostView view = new ReadOnlyHostView();

  LandlockContribution(LandlockPlanner planner) {
    this.planner = planner;
  }

  /**
   * Registers the ruleset for this launch. It is computed when every isolator has contributed (just
   * before the launcher encodes the plan), so it can grant writes on mount points that another
   * isolator made private to this sandbox.
   */
  void contribute(String isolator, int abi, SandboxPolicy policy, LaunchSpec spec) {
    LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
    synchronized (this) {
      if (registered.put(spec, Boolean.TRUE) != null) {
        return;
      }
    }
    plan.beforeLaunch(
        p -> {
          LandlockRules rules = planner.plan(request(abi, policy, spec, p.privateMountPoints()));
          if (p.landlock().isPresent()) {
            throw SandboxException.cannotSandbox(
                "landlock "
                    + isolator
                    + " isolator: this launch already carries a Landlock ruleset set by another"
                    + " backend; select one backend for Landlock-based isolation");
          }
          p.landlock(rules);
        });
  }

  /**
   * Registers the read-only host view ({@link ReadOnlyHostView}) for this launch, once: what makes
   * write confinement hold for metadata (chmod, chown, utime, xattrs) too.
   */
  void contributeReadOnlyView(SandboxPolicy policy, LaunchSpec spec) {
    synchronized (this) {
      if (viewRegistered.put(spec, Boolean.TRUE) != null) {
        return;
      }
    }
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new)
        .beforeLaunch(
            p -> {
              List<Path> roots = new ArrayList<>();
              PathInspector fs = planner.inspector();
              for (Path r : policy.filesystem().allWritableRoots()) {
                roots.add(fs.realPath(r));
              }
              request(0, policy, spec, List.of())
                  .privateTmp()
                  .ifPresent(t -> roots.add(fs.realPath(t)));
              view.apply(p, roots, p.privateMountPoints());
            });
  }

  static LandlockPlanner.Request request(
      int abi, SandboxPolicy policy, LaunchSpec spec, List<Path> privateMounts) {
    Optional<Path> tmp = Optional.empty();
    String tmpdir = spec.environment().get("TMPDIR");
    if (policy.filesystem().privateTmp()
        && tmpdir != null
        && !tmpdir.equals(System.getenv("TMPDIR"))
        && tmpdir.startsWith("/")) {
      // The isolator that provides FS_PRIVATE_TMP points TMPDIR at a per-run directory whose name
      // starts with "sandbox4j" (see LandlockPlanner.PRIVATE_TMP_PREFIX). A TMPDIR merely passed
      // through from the caller is the caller's shared one and never becomes writable.
      tmp = Optional.of(Path.of(tmpdir).normalize());
    }
    return new LandlockPlanner.Request(
        abi,
        policy.filesystem(),
        tmp,
        privateMounts,
        true,
        true,
        policy.network().mode() == NetworkMode.NONE);
  }
}
