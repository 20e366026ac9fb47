package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Ancestry;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.AbstractLauncher;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.GuardedDirectories;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.api.spi.WorkspaceLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Starts commands through the native launcher, which applies the spec's {@link LinuxLaunchPlan} (or
 * an empty plan: no_new_privs, no capabilities, supervision) and execs the command.
 *
 * <p>The command gets exactly the spec's environment and starts in the spec's working directory
 * (changed to by the launcher after the mounts). A failing step ends the run with exit 125 and
 * "sandbox4j-launcher: step: reason" on the command's stderr before anything of the command runs.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class NativeLauncher extends AbstractLauncher {
  private final LauncherBinary binary;
  private final LinuxHost host;

  NativeLauncher(LauncherBinary binary, LinuxHost host) {
    super("linux-native", Set.of(LinuxLaunchPlan.class));
    this.binary = binary;
    this.host = host;
  }

  NativeLauncher(LauncherBinary binary) {
    this(binary, new LinuxHostProbe(binary));
  }

  @Override
  public Availability probe() {
    // extracted and actually runnable here (a noexec cache directory fails the probe run)
    return host.launcher();
  }

  @Override
  public SandboxProcess launch(LaunchSpec spec) throws IOException {
    Path launcher = binary.require();
    refuseIfWritableBySandbox(launcher, spec);
    LinuxLaunchPlan plan =
        spec.findExtension(LinuxLaunchPlan.class).orElseGet(LinuxLaunchPlan::new);
    refuseIfPlanReaches(plan, launcher, spec);
    Path usage = UsageReport.create();
    spec.onCleanup(() -> UsageReport.delete(usage));
    String encoded;
    try {
      encoded = PlanEncoder.encodeBase64(plan, spec.workingDirectory(), Optional.of(usage));
    } catch (IllegalArgumentException e) {
      throw SandboxException.cannotSandbox("cannot encode the launch plan: " + e.getMessage(), e);
    }
    ProcessBuilder pb = new ProcessBuilder(PlanEncoder.argv(launcher, spec.command()));
    pb.environment().clear();
    pb.environment().putAll(spec.environment());
    // the launcher takes every SANDBOX4J_PLAN_ variable as the plan: none may come from elsewhere
    pb.environment().keySet().removeIf(k -> k.startsWith(PlanEncoder.PLAN_VARIABLE));
    pb.environment().putAll(PlanEncoder.environment(encoded));
    spec.redirects().applyTo(pb);
    return new NativeSandboxProcess(spec.starter().start(pb), usage);
  }

  /** Landlock rights beyond reading: write and truncate files, make and remove entries. */
  private static final long LANDLOCK_WRITE = (1L << 1) | 0x1FF0L | (1L << 14);

  /**
   * The checks before the launch compared the policy's writable roots; the isolators resolved their
   * links later, and a link put in place of one of a root's directories meanwhile (by a command of
   * another run that may write there) led the plan's grant to wherever it points. So the paths the
   * final plan grants writing (Landlock rules, writable binds, what a private tmpfs keeps; a fresh
   * tmpfs itself reaches nothing outside) are compared again, with the launcher and the {@link
   * GuardedDirectories}; the launcher then refuses a path that resolves elsewhere when it opens it.
   */
  static void refuseIfPlanReaches(LinuxLaunchPlan plan, Path launcher, LaunchSpec spec) {
    List<Path> fresh = new ArrayList<>();
    // a set: a writable root is usually both a Landlock rule and a writable bind (checked once)
    Set<Path> granted = new LinkedHashSet<>();
    for (LinuxLaunchPlan.Mount m : plan.mounts()) {
      if (m.kind() == LinuxLaunchPlan.MountKind.TMPFS
          || m.kind() == LinuxLaunchPlan.MountKind.HIDE) {
        fresh.add(m.path());
      }
      if (m.kind() == LinuxLaunchPlan.MountKind.TMPFS) {
        granted.addAll(m.keep());
      } else if (m.kind() == LinuxLaunchPlan.MountKind.WRITABLE_BIND) {
        granted.add(m.path());
      }
    }
    plan.landlock()
        .ifPresent(
            rules -> {
              for (LandlockRules.PathRule r : rules.pathRules()) {
                if ((r.allowedAccess() & LANDLOCK_WRITE) != 0 && !fresh.contains(r.path())) {
                  granted.add(r.path());
                }
              }
            });
    // overlays write their upper (and work) directory, wherever a link there leads (a run with
    // another XDG_CACHE_HOME may have left one in place of a profile cache's layer); the run's own
    // change set lies in the store by design (the checks before the launch keep links out of it)
    Optional<Path> ownLayer = spec.findExtension(WorkspaceLayer.class).map(WorkspaceLayer::upper);
    List<Path> layers = new ArrayList<>();
    for (LinuxLaunchPlan.Overlay o : plan.overlays()) {
      boolean own = ownLayer.isPresent() && ownLayer.get().equals(o.upper());
      (own ? layers : granted).addAll(List.of(o.upper(), o.work()));
    }
    // the launcher's directory, not only its file: nothing may be written beside it either
    Ancestry binary = Ancestry.of(launcher.getParent());
    layers.stream().filter(binary::isHeldBy).findFirst().ifPresent(granted::add);
    List<Path> directories =
        spec.findExtension(GuardedDirectories.class)
            .map(GuardedDirectories::directories)
            .orElse(List.of());
    List<Ancestry> guarded = new ArrayList<>(List.of(binary));
    directories.forEach(d -> guarded.add(Ancestry.of(d)));
    Optional<Path> reached = Ancestry.firstReaching(granted, guarded);
    if (reached.isPresent()) {
      throw SandboxException.invalid(
          "the launch plan grants writing "
              + reached.get()
              + ", which holds or lies in the native launcher's directory or a directory no"
              + " sandboxed command may write ("
              + binary.real()
              + ", "
              + directories
              + "): a link put in place of a writable root's directory since it was checked?"
              + " nothing ran");
    }
  }

  /**
   * Refuses a run whose command could write the extracted launcher: a sandboxed command (uid 0 of
   * its user namespace owns the 0700 cache directory) could replace it, and the next run would exec
   * the replacement unconfined. Checked against every writable root, whatever link or bind mount
   * names it ({@link Ancestry}), and the command's own TMPDIR (when it is not the caller's, it is a
   * per-run private tmp the command can write). The binary's hash is verified when it is first used
   * per {@link LauncherBinary}; this check keeps any run from exposing it afterwards.
   */
  static void refuseIfWritableBySandbox(Path launcher, LaunchSpec spec) {
    List<Path> writable = new ArrayList<>(spec.policy().filesystem().allWritableRoots());
    String tmpdir = spec.environment().get("TMPDIR");
    if (tmpdir != null
        && tmpdir.startsWith("/")
        && !tmpdir.equals(System.getenv("TMPDIR"))
        && !tmpdir.equals(System.getProperty("java.io.tmpdir"))) {
      writable.add(Path.of(tmpdir));
    }
    // one stat per root when every step up from the launcher exists (1000 paths: 5 ms per run)
    Ancestry ancestry = Ancestry.of(launcher);
    for (Path root : writable) {
      if (ancestry.isHeldBy(root)) {
        // exit 2 with the way out: nothing ran, and the setting is the caller's to change
        throw SandboxException.invalid(
            "the native launcher "
                + ancestry.real()
                + " lies beneath "
                + root
                + ", which the sandboxed command may write (it could replace the launcher that"
                + " later runs start): set XDG_CACHE_HOME to a directory outside the writable"
                + " roots, or choose a workspace that does not hold it");
      }
    }
  }
}
