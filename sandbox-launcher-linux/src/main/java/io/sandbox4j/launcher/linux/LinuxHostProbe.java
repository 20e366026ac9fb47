package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.Availability;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * Establishes the {@link LinuxHost} facts once, on first use: runs {@code sandbox4j-launcher
 * --probe} (Landlock ABI, seccomp, effective uid, a trial unshare of user, pid, mount, net, ipc and
 * uts namespaces) and reads a few sysctls and the cgroup layout.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LinuxHostProbe implements LinuxHost {
  private final LauncherBinary binary;
  private final Path procRoot;
  private final Path cgroupRoot;
  private final Object lock = new Object();
  private Facts facts;

  private record Facts(
      Availability launcher,
      OptionalInt landlockAbi,
      boolean seccomp,
      boolean root,
      Availability userns,
      Optional<Path> pidsCgroup,
      Optional<MemoryCgroup> memoryCgroup,
      boolean legacyTiocsti) {}

  LinuxHostProbe(LauncherBinary binary) {
    this(binary, Path.of("/proc"), Path.of("/sys/fs/cgroup"));
  }

  LinuxHostProbe(LauncherBinary binary, Path procRoot, Path cgroupRoot) {
    this.binary = binary;
    this.procRoot = procRoot;
    this.cgroupRoot = cgroupRoot;
  }

  private Facts facts() {
    synchronized (lock) {
      if (facts == null) {
        facts = probe();
      }
      return facts;
    }
  }

  private Facts probe() {
    boolean tiocsti = !"0".equals(read(procRoot.resolve("sys/dev/tty/legacy_tiocsti")));
    LauncherBinary.Result bin = binary.get();
    if (bin.path().isEmpty()) {
      return new Facts(
          bin.availability(),
          OptionalInt.empty(),
          false,
          false,
          bin.availability(),
          Optional.empty(),
          Optional.empty(),
          tiocsti);
    }
    Map<String, String> kv;
    try {
      kv = runProbe(bin.path().get());
    } catch (IOException e) {
      Availability broken =
          Availability.unavailable(
              "the native launcher "
                  + bin.path().get()
                  + " does not run: "
                  + e.getMessage()
                  + " (is the cache directory on a noexec filesystem? set XDG_CACHE_HOME)");
      return new Facts(
          broken,
          OptionalInt.empty(),
          false,
          false,
          broken,
          Optional.empty(),
          Optional.empty(),
          tiocsti);
    }
    int abi = parseInt(kv.get("landlock_abi"));
    boolean root = "0".equals(kv.get("euid"));
    return new Facts(
        bin.availability(),
        abi > 0 ? OptionalInt.of(abi) : OptionalInt.empty(),
        "1".equals(kv.get("seccomp_filter")),
        root,
        userns(kv),
        findCgroup(procRoot, cgroupRoot, "pids").map(CgroupDir::path),
        findMemoryCgroup(procRoot, cgroupRoot),
        tiocsti);
  }

  private static Map<String, String> runProbe(Path launcher) throws IOException {
    Process p =
        new ProcessBuilder(launcher.toString(), "--probe").redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("probe failed: " + out.strip());
      }
      Map<String, String> kv = new HashMap<>();
      for (String line : out.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          kv.put(line.substring(0, eq), line.substring(eq + 1).strip());
        }
      }
      return kv;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while probing", e);
    }
  }

  private Availability userns(Map<String, String> kv) {
    if ("ok".equals(kv.get("userns"))) {
      return Availability.available("user, pid, mount, network, ipc and uts namespaces");
    }
    String step = kv.getOrDefault("userns_step", "user");
    String errno = kv.getOrDefault("userns_errno", "unknown error");
    String failed = "creating a " + step + " namespace failed (" + errno + ")";
    if ("1".equals(read(procRoot.resolve("sys/kernel/apparmor_restrict_unprivileged_userns")))) {
      return Availability.unavailable(
          failed
              + ": AppArmor restricts unprivileged user namespaces"
              + " (kernel.apparmor_restrict_unprivileged_userns=1); allow them with `sudo sysctl"
              + " kernel.apparmor_restrict_unprivileged_userns=0` or an AppArmor profile granting"
              + " userns to the sandbox4j launcher");
    }
    if ("0".equals(read(procRoot.resolve("sys/user/max_user_namespaces")))) {
      return Availability.unavailable(
          failed
              + ": user.max_user_namespaces is 0; raise it with `sudo sysctl -w"
              + " user.max_user_namespaces=10000`");
    }
    if ("0".equals(read(procRoot.resolve("sys/kernel/unprivileged_userns_clone")))) {
      return Availability.unavailable(
          failed
              + ": kernel.unprivileged_userns_clone is 0; enable it with `sudo sysctl -w"
              + " kernel.unprivileged_userns_clone=1`");
    }
    boolean filtered = seccompFiltered();
    if (errno.contains("Operation not permitted") && (filtered || inContainer())) {
      return Availability.unavailable(
          failed
              + (filtered
                  ? ": a seccomp filter on this process denies unshare and clone with namespace"
                      + " flags, as the default profiles of Docker, Podman and containerd do"
                  : ": the container's seccomp profile blocks unshare (Docker's default does)")
              + "; run the container with --security-opt seccomp=unconfined or a profile that"
              + " allows unshare and clone with namespace flags");
    }
    return Availability.unavailable(failed);
  }

  /** Whether this process runs under a seccomp filter ("Seccomp: 2"), which children inherit. */
  private boolean seccompFiltered() {
    String status = read(procRoot.resolve("self/status"));
    return status != null && status.lines().anyMatch(l -> l.matches("Seccomp:\\s*2"));
  }

  private boolean inContainer() {
    if (Files.exists(Path.of("/.dockerenv")) || Files.exists(Path.of("/run/.containerenv"))) {
      return true;
    }
    String cg = read(procRoot.resolve("1/cgroup"));
    return cg != null && (cg.contains("docker") || cg.contains("containerd"));
  }

  /** A cgroup directory found for a controller, and its hierarchy's version. */
  record CgroupDir(Path path, int version) {}

  /**
   * The caller's own cgroup in the v1 hierarchy of {@code controller}, or in the v2 hierarchy when
   * its cgroup.subtree_control delegates the controller, when this process may create children in
   * it. Reads {@code procRoot/self/cgroup}; the v1 hierarchy is {@code cgroupRoot/<controller>},
   * the v2 one {@code cgroupRoot/unified} (hybrid) or {@code cgroupRoot} itself.
   */
  /**
   * The memory cgroup the caller may create children in ({@link #findCgroup}), and whether swap can
   * be limited there (v1: memory.memsw.limit_in_bytes exists only with swap accounting on; v2:
   * memory.swap.max).
   */
  static Optional<MemoryCgroup> findMemoryCgroup(Path procRoot, Path cgroupRoot) {
    return findCgroup(procRoot, cgroupRoot, "memory")
        .map(
            d -> {
              String swapFile =
                  d.version() == 1 ? "memory.memsw.limit_in_bytes" : "memory.swap.max";
              return new MemoryCgroup(
                  d.path(), d.version(), Files.exists(d.path().resolve(swapFile)));
            });
  }

  static Optional<CgroupDir> findCgroup(Path procRoot, Path cgroupRoot, String controller) {
    String self = read(procRoot.resolve("self/cgroup"));
    if (self == null) {
      return Optional.empty();
    }
    for (String line : self.split("\n")) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && List.of(f[1].split(",")).contains(controller)) {
        Path dir = cgroupRoot.resolve(controller).resolve(f[2].substring(1));
        if (Files.isDirectory(dir) && Files.isWritable(dir)) {
          return Optional.of(new CgroupDir(dir, 1));
        }
      }
    }
    for (String line : self.split("\n")) {
      if (line.startsWith("0::")) {
        String rel = line.substring(3).replaceFirst("^/", "");
        for (Path base : List.of(cgroupRoot.resolve("unified"), cgroupRoot)) {
          Path dir = base.resolve(rel);
          String controllers = read(dir.resolve("cgroup.subtree_control"));
          if (controllers != null
              && List.of(controllers.split(" ")).contains(controller)
              && Files.isWritable(dir)) {
            return Optional.of(new CgroupDir(dir, 2));
          }
        }
      }
    }
    return Optional.empty();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static int parseInt(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public Availability launcher() {
    return facts().launcher();
  }

  @Override
  public OptionalInt landlockAbi() {
    return facts().landlockAbi();
  }

  @Override
  public boolean seccompFilter() {
    return facts().seccomp();
  }

  @Override
  public Availability userNamespaces() {
    return facts().userns();
  }

  @Override
  public boolean root() {
    return facts().root();
  }

  @Override
  public Optional<Path> pidsCgroup() {
    return facts().pidsCgroup();
  }

  @Override
  public Optional<MemoryCgroup> memoryCgroup() {
    return facts().memoryCgroup();
  }

  @Override
  public boolean legacyTiocsti() {
    return facts().legacyTiocsti();
  }

  /** The extracted launcher, for {@link NativeLauncher}. */
  LauncherBinary binary() {
    return binary;
  }
}
