package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Where else the content of a path can be reached through the mount table: another mount of the
 * same file system (a bind mount of {@code /home} at {@code /mnt/x}, the disk a bind-mounted home
 * comes from, a subdirectory of the home bound elsewhere). Hiding or denying a path by its real
 * path alone leaves such aliases open; the backends hide them too.
 *
 * <p>Parsed from {@code /proc/self/mountinfo}: a mount shows the directory {@code root} of its file
 * system (device {@code major:minor}) at {@code mountPoint}. The path's own location is the last
 * (topmost) mount whose mount point holds it; every other mount of the same device whose root is an
 * ancestor of that location shows it again beneath its mount point, and one whose root lies beneath
 * it shows part of it at its mount point. Mounts beneath the path itself are covered with it.
 */
@API(status = INTERNAL, since = "0.1")
public final class MountAliases {
  private record MountEntry(String device, String root, Path mountPoint) {}

  private final List<MountEntry> mounts;

  private MountAliases(List<MountEntry> mounts) {
    this.mounts = List.copyOf(mounts);
  }

  /** The mount table of this process; empty (no aliases known) when it cannot be read. */
  public static MountAliases current() {
    try {
      return parse(Files.readString(Path.of("/proc/self/mountinfo")));
    } catch (IOException | RuntimeException e) {
      return new MountAliases(List.of());
    }
  }

  /** Parses the text of a {@code mountinfo} file. */
  public static MountAliases parse(String mountinfo) {
    List<MountEntry> out = new ArrayList<>();
    for (String line : mountinfo.split("\n")) {
      String[] f = line.trim().split(" ");
      if (f.length < 5) {
        continue;
      }
      out.add(new MountEntry(f[2], unescape(f[3]), Path.of(unescape(f[4]))));
    }
    return new MountAliases(out);
  }

  /**
   * The other paths that show {@code realPath} (an absolute path without links) or part of it, in
   * mount-table order; none beneath {@code realPath} itself.
   */
  public List<Path> of(Path realPath) {
    MountEntry home = null;
    for (MountEntry m : mounts) {
      if (realPath.startsWith(m.mountPoint())
          && (home == null || m.mountPoint().getNameCount() >= home.mountPoint().getNameCount())) {
        home = m;
      }
    }
    if (home == null) {
      return List.of();
    }
    // (device, location in that file system) of what hiding realPath covers
    List<String[]> regions = new ArrayList<>();
    regions.add(
        new String[] {
          home.device(), inFs(home.root(), home.mountPoint().relativize(realPath).toString())
        });
    for (MountEntry m : mounts) {
      if (m != home && m.mountPoint().startsWith(realPath)) {
        regions.add(new String[] {m.device(), m.root()});
      }
    }
    Set<Path> aliases = new LinkedHashSet<>();
    for (MountEntry m : mounts) {
      if (m == home || m.mountPoint().startsWith(realPath)) {
        continue;
      }
      for (String[] r : regions) {
        if (!m.device().equals(r[0])) {
          continue;
        }
        Path root = Path.of(m.root());
        Path region = Path.of(r[1]);
        Path alias = null;
        if (region.startsWith(root)) {
          alias = m.mountPoint().resolve(root.relativize(region).toString());
        } else if (root.startsWith(region)) {
          alias = m.mountPoint();
        }
        if (alias != null && !alias.startsWith(realPath)) {
          aliases.add(alias);
        }
      }
    }
    return List.copyOf(aliases);
  }

  /**
   * As {@link #of}, keeping the aliases that exist as spelled on this host: a link on the way means
   * another mount covers the alias there, so the path no longer shows the content.
   */
  public List<Path> existing(Path realPath) {
    List<Path> out = new ArrayList<>();
    for (Path a : of(realPath)) {
      try {
        if (Files.exists(a, LinkOption.NOFOLLOW_LINKS) && a.toRealPath().equals(a)) {
          out.add(a);
        }
      } catch (IOException e) {
        // gone since it was listed: nothing shows the content there
      }
    }
    return out;
  }

  private static String inFs(String root, String relative) {
    return relative.isEmpty() ? root : Path.of(root).resolve(relative).toString();
  }

  /** mountinfo escapes space, tab, newline and backslash as three octal digits. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static boolean isOctal(String s, int from) {
    for (int i = from; i < from + 3; i++) {
      if (i >= s.length() || s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
