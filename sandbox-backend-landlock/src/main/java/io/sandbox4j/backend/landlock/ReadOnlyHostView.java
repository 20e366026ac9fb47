package io.sandbox4j.backend.landlock;

import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.nio.file.Path;
import java.util.List;

/**
 * What Landlock does not mediate, closed with a mount namespace: chmod(2), chown(2), utime(2) and
 * setxattr(2) on files outside the writable roots (a sandboxed command that owns them, root above
 * all, could otherwise make a binary setuid, open up a secret or change timestamps). Every mount of
 * the sandbox's own mount namespace is made read-only in one mount_setattr(2) call, before the
 * other mounts of the plan; each writable root is then bound writable again (the private tmpfs
 * mounts of the namespaces backend are new and writable, and the roots they keep are made writable
 * as they are bound). Writes to device nodes are not affected by read-only mounts: Landlock's rules
 * cover them.
 */
final class ReadOnlyHostView {

  /** Adds the namespaces and mounts to the plan. */
  void apply(LinuxLaunchPlan plan, List<Path> writableRoots, List<Path> privateMounts) {
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
    plan.addMount(Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")));
    for (Path w : writableRoots) {
      if (!beneathAny(w, privateMounts)) {
        plan.addMount(Mount.of(MountKind.WRITABLE_BIND, w));
      }
    }
  }

  private static boolean beneathAny(Path p, List<Path> roots) {
    for (Path r : roots) {
      if (p.startsWith(r)) {
        return true;
      }
    }
    return false;
  }
}
