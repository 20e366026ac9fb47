package io.sandbox4j.backend.landlock;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Mount;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.MountKind;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * What Landlock does not mediate, closed with a mount namespace: chmod(2), chown(2), utime(2) and
 * setxattr(2) on files outside the writable roots (a sandboxed command that owns them, root above
 * all, could otherwise make a binary setuid, open up a secret or change timestamps). Every mount
 * point of the host is bound read-only in the sandbox's own mount namespace, and each writable root
 * is bound writable again on top; the private tmpfs mounts of the namespaces backend stay writable.
 * Writes to device nodes are not affected by read-only mounts: Landlock's rules cover them.
 *
 * <p>{@code /proc} is left alone: its writable files are the sandbox's own processes' (and Landlock
 * grants no writes there).
 */
final class ReadOnlyHostView {
  private final Path mountinfo;

  ReadOnlyHostView() {
    this(Path.of("/proc/self/mountinfo"));
  }

  ReadOnlyHostView(Path mountinfo) {
    this.mountinfo = mountinfo;
  }

  /** Adds the namespaces and mounts to the plan. */
  void apply(LinuxLaunchPlan plan, List<Path> writableRoots, List<Path> privateMounts) {
    plan.addNamespaces(Namespace.USER, Namespace.MOUNT);
    for (Path mp : mountPoints()) {
      if (mp.startsWith("/proc")
          || beneathAny(mp, writableRoots)
          || beneathAny(mp, privateMounts)) {
        continue;
      }
      // Optional: a mount point that vanished between planning and launch needs no protection.
      plan.addMount(new Mount(MountKind.READ_ONLY_BIND, mp, true, List.of()));
    }
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

  /**
   * The host's mount points, from mountinfo (field 5, octal escapes decoded), sorted, once each.
   */
  List<Path> mountPoints() {
    List<String> lines;
    try {
      lines = Files.readAllLines(mountinfo);
    } catch (IOException e) {
      throw SandboxException.cannotSandbox(
          "landlock filesystem isolator: cannot read "
              + mountinfo
              + " to make the host read-only: "
              + e.getMessage(),
          e);
    }
    TreeSet<Path> points = new TreeSet<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f.length > 4 && f[4].startsWith("/")) {
        points.add(Path.of(unescape(f[4])).normalize());
      }
    }
    return new ArrayList<>(points);
  }

  /** mountinfo escapes space, tab, newline and backslash as \\ooo. */
  static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
