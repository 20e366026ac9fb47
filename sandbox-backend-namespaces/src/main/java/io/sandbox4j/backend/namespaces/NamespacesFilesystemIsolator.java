package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.SystemRoots;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.WorkspaceLayer;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A mount namespace (in a user namespace): private tmp, protected paths read-only and pinned,
 * denied paths masked, private homes hidden. See {@link FilesystemMounts} for the plan. Protected
 * paths missing at launch cannot be bound: what the command creates there is moved aside after the
 * run ({@link Quarantine}), except beneath {@code .git}, which the engine's post-run git sweep
 * owns.
 *
 * <p>It does not claim {@link Feature#FS_WRITE_CONFINEMENT} or {@link Feature#FS_READ_ALLOWLIST}:
 * the Landlock backend confines writes and reads by path; remounting the whole tree read-only here
 * would duplicate that with more mounts per run.
 */
final class NamespacesFilesystemIsolator extends AbstractIsolator {
  private final LinuxHost host;

  NamespacesFilesystemIsolator(LinuxHost host) {
    super(
        "filesystem",
        Aspect.FILESYSTEM,
        EnumSet.of(
            Feature.FS_PRIVATE_TMP,
            Feature.FS_PROTECTED_PATHS,
            Feature.FS_READ_DENY,
            Feature.FS_PRIVATE_HOME,
            Feature.FS_EPHEMERAL,
            Feature.FS_CACHE_LAYERS));
    this.host = host;
  }

  @Override
  public Availability probe() {
    return Availability.allOf(
        Namespaces.requirements(host),
        Availability.available(
            "mount namespace: private /tmp, /var/tmp and /dev/shm; protected paths (and git's"
                + " commondir and config.worktree) bound read-only, or (outside .git) moved"
                + " aside after the run when the command created them; denied paths masked;"
                + " private homes behind a read-only tmpfs showing only what is granted;"
                + " ephemeral workspace and copy-on-write toolchain caches as overlays"));
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("namespaces", this);
    Set<Feature> required = EnumSet.noneOf(Feature.class);
    required.addAll(owned);
    required.retainAll(features());
    if (required.isEmpty()) {
      return;
    }
    FilesystemPolicy fs = policy.filesystem();
    FilesystemMounts m = new FilesystemMounts();
    if (required.contains(Feature.FS_PRIVATE_TMP)) {
      m.privateTmp(fs.allWritableRoots(), SystemRoots.PRIVATE_TMP);
    }
    if (required.contains(Feature.FS_PROTECTED_PATHS)) {
      m.protect(fs);
      Quarantine quarantine = new Quarantine(m.missing(), Clock.systemUTC());
      if (!quarantine.isEmpty()) {
        // runs once every process of the run is dead
        spec.onCleanup(quarantine::sweep);
      }
    }
    if (required.contains(Feature.FS_READ_DENY)) {
      m.denyRead(fs.readDeny());
    }
    if (required.contains(Feature.FS_PRIVATE_HOME)) {
      m.privateHomes(fs);
    }
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    // a pid namespace too, whichever of the features it owns: with the host's /proc,
    // /proc/<pid>/root of host processes would lead around the masks and read-only binds (the user
    // namespace already denies that access; this removes the view)
    Namespaces.pid(plan);
    if (required.contains(Feature.FS_EPHEMERAL)) {
      ephemeral(spec, plan);
    }
    if (required.contains(Feature.FS_CACHE_LAYERS)) {
      CacheOverlays.add(policy.cacheLayers(), plan);
    }
    m.mounts().forEach(plan::addMount);
  }

  /**
   * The workspace as an overlay whose upper layer is the engine's change set; the change set store
   * is masked, so the command cannot rewrite its own layer's record (start state, workspace).
   */
  private static void ephemeral(LaunchSpec spec, LinuxLaunchPlan plan) {
    WorkspaceLayer layer =
        spec.requireExtension(
            WorkspaceLayer.class,
            "an ephemeral workspace was asked for, but the engine prepared no layer");
    plan.addOverlay(new LinuxLaunchPlan.Overlay(layer.workspace(), layer.upper(), layer.work()));
    // optional: beneath a private /tmp it is already out of sight
    plan.addMount(LinuxLaunchPlan.Mount.optional(LinuxLaunchPlan.MountKind.MASK, layer.store()));
  }

  @Override
  public List<String> explain(SandboxPolicy policy, Set<Feature> owned) {
    if (!owned.contains(Feature.FS_PRIVATE_TMP)) {
      return List.of();
    }
    return List.of(
        "private tmp: a fresh tmpfs on each of /tmp, /var/tmp and /dev/shm, gone with the run;"
            + " each capped at the memory limit when the namespaces backend enforces one, else at "
            + LinuxLaunchPlan.DEFAULT_TMPFS_SIZE
            + " of RAM");
  }
}
