package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * What Linux isolators ask the native launcher to apply for one run, as a {@link
 * io.sandbox4j.api.spi.LaunchSpec} extension. Isolators only add to it, each the parts for what it
 * owns, in any order; the launcher applies every part in a fixed order and fails the run (exit 125,
 * step named) if any part cannot be applied.
 *
 * <p>What follows from how the parts combine is decided here, when the launcher reads the plan, not
 * by the isolators: a fresh private tmpfs is writable under the Landlock ruleset ({@link
 * #landlock()}), and the read-only host view leaves writable roots beneath such a tmpfs alone
 * ({@link #mounts()}).
 *
 * <p>The launcher always sets no_new_privs and drops every capability, whatever the plan says.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LinuxLaunchPlan {
  private final List<LandlockRules> landlockParts = new ArrayList<>();
  private final List<byte[]> seccompFilters = new ArrayList<>();
  // Writable roots of the read-only host view, or null when no isolator asked for the view.
  private Set<Path> readOnlyHostView;
  private final EnumSet<Namespace> namespaces = EnumSet.noneOf(Namespace.class);
  // A set: isolators add a mount per protected or masked path, and a list's contains() made a
  // policy of N paths cost O(N^2).
  private final Set<Mount> mounts = new LinkedHashSet<>();
  private final Map<Rlimit, Long> rlimits = new EnumMap<>(Rlimit.class);
  private boolean newSession;
  private boolean loopbackUp;
  private String hostname;
  // per parent directory (one per hierarchy on cgroup v1), the limit files in the order written
  private final Map<Path, Map<String, Long>> cgroups = new LinkedHashMap<>();
  private Long tmpfsSize;

  /**
   * The size of each private tmpfs when no isolator bounds it ({@link #tmpfsSize(long)}): a quarter
   * of RAM (the kernel's default is half, for each of /tmp, /var/tmp and /dev/shm).
   */
  public static final String DEFAULT_TMPFS_SIZE = "25%";

  /** Linux namespaces the launcher unshares; the user namespace is always created first. */
  public enum Namespace {
    USER(0x10000000),
    MOUNT(0x00020000),
    PID(0x20000000),
    NET(0x40000000),
    IPC(0x08000000),
    UTS(0x04000000);

    private final int cloneFlag;

    Namespace(int cloneFlag) {
      this.cloneFlag = cloneFlag;
    }

    /** The CLONE_NEW* flag. */
    public int cloneFlag() {
      return cloneFlag;
    }
  }

  /** What a mount entry does to its path. */
  public enum MountKind {
    /** A fresh writable tmpfs (mode 1777); {@link Mount#keep()} paths beneath stay visible. */
    TMPFS(1),
    /** A fresh procfs for the new pid namespace. */
    PROC(2),
    /** The path bound onto itself and made read-only: it cannot be written, renamed or removed. */
    READ_ONLY_BIND(3),
    /** The path bound onto itself, still writable: it cannot be renamed or removed (EBUSY). */
    PIN(4),
    /** The path hidden: an empty read-only directory, or /dev/null read-only for a file. */
    MASK(5),
    /**
     * The path bound onto itself (recursively) and made writable again: a writable root inside a
     * tree that an earlier read-only bind made read-only.
     */
    WRITABLE_BIND(6),
    /**
     * Every mount at and beneath the path made read-only in one mount_setattr(2) call, before any
     * other mount of the plan; writable roots are then bound writable again ({@link
     * #WRITABLE_BIND}), and paths a private tmpfs keeps are made writable as they are bound.
     */
    READ_ONLY_TREE(7),
    /**
     * The path hidden behind a fresh, small tmpfs (mode 0755) that is made read-only once its
     * {@link Mount#keep()} paths are bound back, shallowest first, as they are (their parents are
     * created as empty directories, traversable and listable); nothing else of the original is
     * visible. For a private home: keeps that must be read-only get a {@link #READ_ONLY_BIND} of
     * their own, writable roots a {@link #WRITABLE_BIND} under the read-only host view.
     */
    HIDE(8);

    private final int code;

    MountKind(int code) {
      this.code = code;
    }

    int code() {
      return code;
    }
  }

  /**
   * One mount.
   *
   * @param kind what to do
   * @param path the absolute mount point
   * @param optional when true, a path missing at apply time is skipped instead of failing the run
   * @param keep for {@link MountKind#TMPFS} and {@link MountKind#HIDE} only: paths beneath it that
   *     are bound back from the original tree (e.g. a workspace under /tmp)
   */
  public record Mount(MountKind kind, Path path, boolean optional, List<Path> keep) {
    public Mount {
      if (!path.isAbsolute()) {
        throw new IllegalArgumentException("mount path '" + path + "' is not absolute");
      }
      path = path.normalize();
      keep = List.copyOf(keep);
      if (!keep.isEmpty() && kind != MountKind.TMPFS && kind != MountKind.HIDE) {
        throw new IllegalArgumentException("only a tmpfs mount keeps paths, not " + kind);
      }
    }

    public static Mount of(MountKind kind, Path path) {
      return new Mount(kind, path, false, List.of());
    }

    public static Mount optional(MountKind kind, Path path) {
      return new Mount(kind, path, true, List.of());
    }
  }

  /** Resource limits the launcher sets with setrlimit (soft = hard). */
  public enum Rlimit {
    CPU(0),
    FSIZE(1),
    NPROC(6),
    NOFILE(7),
    AS(9);

    private final int resource;

    Rlimit(int resource) {
      this.resource = resource;
    }

    /** The RLIMIT_* number. */
    public int resource() {
      return resource;
    }
  }

  /**
   * Adds a part of this launch's Landlock ruleset: the filesystem isolator's access rules, the
   * process isolator's scopes. The launcher applies one ruleset built from every part ({@link
   * #landlock()}). Only one part may handle filesystem rights and one network rights: merged, a
   * second part's rules would widen the first's (Landlock grants the union of a ruleset's rules).
   */
  public void addLandlock(LandlockRules part) {
    for (LandlockRules p : landlockParts) {
      if ((p.handledAccessFs() != 0 && part.handledAccessFs() != 0)
          || (p.handledAccessNet() != 0 && part.handledAccessNet() != 0)) {
        throw SandboxException.cannotSandbox(
            "this launch already carries a Landlock ruleset for the same rights from another"
                + " isolator, and merging two would widen one of them; select one backend for"
                + " Landlock-based filesystem isolation");
      }
    }
    landlockParts.add(part);
  }

  /**
   * The Landlock ruleset the launcher applies, built from the parts added: handled rights and
   * scopes united, each path's rules united. When filesystem rights are handled, every mount point
   * that gets a fresh tmpfs in this plan gets all of them as well: the tmpfs is private to this
   * sandbox (writing there reaches nothing outside it), and the launcher applies Landlock after the
   * mounts, so the rule attaches to the tmpfs. Empty when no part was added.
   */
  public Optional<LandlockRules> landlock() {
    if (landlockParts.isEmpty()) {
      return Optional.empty();
    }
    long fs = 0;
    long net = 0;
    long scoped = 0;
    TreeMap<Path, LandlockRules.PathRule> paths = new TreeMap<>();
    List<LandlockRules.PortRule> ports = new ArrayList<>();
    for (LandlockRules p : landlockParts) {
      fs |= p.handledAccessFs();
      net |= p.handledAccessNet();
      scoped |= p.scoped();
      p.pathRules().forEach(r -> mergeRule(paths, r));
      ports.addAll(p.portRules());
    }
    if (fs != 0) {
      for (Path tmpfs : tmpfsMountPoints()) {
        mergeRule(paths, new LandlockRules.PathRule(tmpfs, fs, false));
      }
    }
    return Optional.of(new LandlockRules(fs, net, scoped, List.copyOf(paths.values()), ports));
  }

  private static void mergeRule(Map<Path, LandlockRules.PathRule> paths, LandlockRules.PathRule r) {
    paths.merge(
        r.path(),
        r,
        (a, b) ->
            new LandlockRules.PathRule(
                a.path(), a.allowedAccess() | b.allowedAccess(), a.optional() && b.optional()));
  }

  /**
   * Asks for the read-only host view: every mount of the sandbox's mount namespace made read-only
   * in one mount_setattr(2) call before the plan's other mounts, then each of {@code writableRoots}
   * bound writable again (see {@link #mounts()}), so that what Landlock does not mediate (chmod,
   * chown, utime, setxattr) cannot change anything outside the writable roots. Adds user and mount
   * namespaces. Several requests add up.
   */
  public void readOnlyHostView(Collection<Path> writableRoots) {
    addNamespaces(Namespace.USER, Namespace.MOUNT);
    if (readOnlyHostView == null) {
      readOnlyHostView = new LinkedHashSet<>();
    }
    for (Path w : writableRoots) {
      readOnlyHostView.add(absolute(w));
    }
  }

  /** The mount points that get a fresh tmpfs of their own in this plan. */
  private List<Path> tmpfsMountPoints() {
    List<Path> out = new ArrayList<>();
    for (Mount m : mounts) {
      if (m.kind() == MountKind.TMPFS) {
        out.add(m.path());
      }
    }
    return out;
  }

  private static Path absolute(Path p) {
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException("path '" + p + "' is not absolute");
    }
    return p.normalize();
  }

  /**
   * Adds a seccomp-bpf program: an array of 8-byte little-endian struct sock_filter. Filters are
   * installed in the order added, after no_new_privs, as the last step before exec. A program
   * identical to one already added is added once (installing it twice enforces nothing more).
   */
  public void addSeccompFilter(byte[] program) {
    if (program.length == 0 || program.length % 8 != 0) {
      throw new IllegalArgumentException(
          "seccomp program length " + program.length + " is not a positive multiple of 8");
    }
    for (byte[] f : seccompFilters) {
      if (Arrays.equals(f, program)) {
        return;
      }
    }
    seccompFilters.add(program.clone());
  }

  public List<byte[]> seccompFilters() {
    List<byte[]> copy = new ArrayList<>();
    for (byte[] f : seccompFilters) {
      copy.add(f.clone());
    }
    return copy;
  }

  /** Adds namespaces to create (several isolators may ask for the same one). */
  public void addNamespaces(Namespace... ns) {
    namespaces.addAll(List.of(ns));
  }

  public Set<Namespace> namespaces() {
    return EnumSet.copyOf(namespaces);
  }

  /** Adds a mount; requires {@link Namespace#MOUNT}. An identical entry is added once. */
  private final List<Overlay> overlays = new ArrayList<>();

  public void addMount(Mount mount) {
    mounts.add(mount);
  }

  /**
   * The mounts in the order the launcher applies them: the read-only host view's read-only tree,
   * proc, then tmpfs, then the others from the shallowest path to the deepest (a parent's pin
   * before a child's read-only bind, a parent's read-only bind before a child's writable bind), by
   * kind code among equals (masks after read-only binds and pins), except that a writable bind
   * comes first among equals: a read-only bind of the same path wins.
   *
   * <p>With the read-only host view ({@link #readOnlyHostView}), {@code /} is a {@link
   * MountKind#READ_ONLY_TREE} and each of its writable roots a {@link MountKind#WRITABLE_BIND},
   * except roots beneath a tmpfs mount point of this plan: that tmpfs is new and writable, and the
   * roots it keeps are made writable as they are bound.
   */
  public List<Mount> mounts() {
    Set<Mount> all = new LinkedHashSet<>(mounts);
    if (readOnlyHostView != null) {
      List<Path> tmpfs = tmpfsMountPoints();
      all.add(Mount.of(MountKind.READ_ONLY_TREE, Path.of("/")));
      for (Path w : readOnlyHostView) {
        if (tmpfs.stream().noneMatch(w::startsWith)) {
          all.add(Mount.of(MountKind.WRITABLE_BIND, w));
        }
      }
    }
    List<Mount> ordered = new ArrayList<>(all);
    // A writable bind pins its path as well: a separate pin of it would be a second bind.
    Set<Path> writable = new HashSet<>();
    for (Mount m : all) {
      if (m.kind() == MountKind.WRITABLE_BIND) {
        writable.add(m.path());
      }
    }
    ordered.removeIf(m -> m.kind() == MountKind.PIN && writable.contains(m.path()));
    ordered.sort(
        Comparator.comparingInt((Mount m) -> phase(m.kind()))
            .thenComparingInt(m -> m.path().getNameCount())
            .thenComparingInt(LinuxLaunchPlan::rankAtOnePath));
    return ordered;
  }

  /**
   * Among mounts of one path: a writable bind first, so that a read-only bind of the same path (a
   * write-denied writable root) is applied after it and wins; then by kind code.
   */
  private static int rankAtOnePath(Mount m) {
    return m.kind() == MountKind.WRITABLE_BIND ? 0 : m.kind().code();
  }

  private static int phase(MountKind kind) {
    return switch (kind) {
      case READ_ONLY_TREE -> -1;
      case PROC -> 0;
      case TMPFS, HIDE -> 1;
      default -> 2;
    };
  }

  /**
   * An overlay mount on {@code target} (issue 14, ephemeral workspaces; issue 13, copy-on-write
   * toolchain caches): {@code target} itself is the lower layer, writes land in {@code upper}.
   * Mounted with {@code userxattr} (what a user namespace allows: whiteouts are character devices
   * 0/0, opaque directories carry {@code user.overlay.opaque}; no redirects or metacopy, so a
   * renamed directory is copied) before every other mount of the plan, so the pins, protected binds
   * and Landlock rules apply to the layered view. Requires {@link Namespace#MOUNT}.
   */
  public record Overlay(Path target, Path upper, Path work) {
    public Overlay {
      for (Path p : List.of(target, upper, work)) {
        if (!p.isAbsolute()) {
          throw new IllegalArgumentException("overlay paths must be absolute: " + p);
        }
        // overlay's option string separates with ',' and ':' and escapes with '\'
        if (p.toString().matches(".*[,:\\\\].*")) {
          throw SandboxException.cannotSandbox(
              "an overlay (ephemeral workspace or copy-on-write cache) cannot be mounted at or from "
                  + p
                  + ": the path holds ',', ':' or '\\', which overlay options cannot carry");
        }
      }
    }
  }

  /** The most overlays one plan carries (the launcher's MAX_OVERLAYS). */
  public static final int MAX_OVERLAYS = 16;

  /** Adds an overlay mount (see {@link Overlay}); at most one per target. */
  public void addOverlay(Overlay overlay) {
    if (overlays.size() == MAX_OVERLAYS) {
      throw SandboxException.cannotSandbox(
          "more than "
              + MAX_OVERLAYS
              + " overlays (ephemeral workspace and copy-on-write caches) in one run; use fewer"
              + " profiles or --profile-cache shared");
    }
    if (overlays.stream().anyMatch(o -> o.target().equals(overlay.target()))) {
      throw new IllegalArgumentException("a second overlay on " + overlay.target());
    }
    overlays.add(overlay);
  }

  /** The overlay mounts, applied first, in the order added. */
  public List<Overlay> overlays() {
    return List.copyOf(overlays);
  }

  /** Sets a resource limit; when set twice, the lower value wins. */
  public void rlimit(Rlimit resource, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("rlimit " + resource + " must not be negative: " + value);
    }
    rlimits.merge(resource, value, Math::min);
  }

  public Map<Rlimit, Long> rlimits() {
    return Map.copyOf(rlimits);
  }

  /** Starts the command in a new session (setsid), detached from the caller's terminal. */
  public void newSession() {
    this.newSession = true;
  }

  public boolean isNewSession() {
    return newSession;
  }

  /** Brings the loopback interface up; requires {@link Namespace#NET}. */
  public void loopbackUp() {
    this.loopbackUp = true;
  }

  public boolean isLoopbackUp() {
    return loopbackUp;
  }

  /** Sets the hostname; requires {@link Namespace#UTS}. */
  public void hostname(String name) {
    this.hostname = name;
  }

  public Optional<String> hostname() {
    return Optional.ofNullable(hostname);
  }

  /**
   * Limits the sandbox to {@code max} processes with a pids cgroup the launcher creates beneath
   * {@code parent} (and removes after the run). The launcher's own init process counts as one.
   */
  public void pidsCgroup(Path parent, int max) {
    if (max < 1) {
      throw new IllegalArgumentException("pids limit must be at least 1, got " + max);
    }
    Optional<Path> current = pidsCgroup();
    if (current.isPresent() && !current.get().equals(absolute(parent))) {
      throw new IllegalStateException("pids cgroup already set to " + current.get());
    }
    cgroupLimit(parent, "pids.max", max);
  }

  /** The parent of the run's pids cgroup, if a process limit was set by one. */
  public Optional<Path> pidsCgroup() {
    return cgroups.entrySet().stream()
        .filter(e -> e.getValue().containsKey("pids.max"))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public OptionalInt pidsMax() {
    return pidsCgroup()
        .map(p -> OptionalInt.of(cgroups.get(p).get("pids.max").intValue()))
        .orElse(OptionalInt.empty());
  }

  /**
   * Sets a limit file ({@code pids.*} or {@code memory.*}) of the run's cgroup beneath {@code
   * parent}. The launcher creates one cgroup per parent (one per hierarchy on cgroup v1; pids and
   * memory share one on v2) before the command runs, writes its limits in the order set, places the
   * command in it before it execs and removes it after the run. Set twice, the lower value wins.
   */
  public void cgroupLimit(Path parent, String file, long value) {
    if (!file.matches("(pids|memory)\\.[a-z_.]+")) {
      throw new IllegalArgumentException("'" + file + "' is not a pids.* or memory.* limit file");
    }
    if (value < 0) {
      throw new IllegalArgumentException(
          "cgroup limit " + file + " must not be negative: " + value);
    }
    cgroups
        .computeIfAbsent(absolute(parent), p -> new LinkedHashMap<>())
        .merge(file, value, Math::min);
  }

  /** The run's cgroups: parent directory to limit files and values, in the order set. */
  public Map<Path, Map<String, Long>> cgroups() {
    Map<Path, Map<String, Long>> out = new LinkedHashMap<>();
    cgroups.forEach(
        (p, files) ->
            out.put(p, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files))));
    return java.util.Collections.unmodifiableMap(out);
  }

  /**
   * Caps each private tmpfs of this plan ({@link MountKind#TMPFS}) at {@code bytes}; set twice, the
   * lower value wins. Without it each gets {@link #DEFAULT_TMPFS_SIZE}.
   */
  public void tmpfsSize(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("tmpfs size must be positive: " + bytes);
    }
    tmpfsSize = tmpfsSize == null ? bytes : Math.min(tmpfsSize, bytes);
  }

  /**
   * Bytes of tmpfs size per inode allowed ({@code nr_inodes = size / this}, at least 1024): an
   * empty tmpfs file still pins about 0.85 KiB of kernel memory (measured: 300000 empty files
   * raised SUnreclaim by 250 MB), which {@code size=} does not count and the kernel's default (half
   * of RAM's pages per mount) would let reach gigabytes; one inode per 2 KiB keeps that below half
   * the size.
   */
  public static final long TMPFS_BYTES_PER_INODE = 2048;

  /**
   * The tmpfs {@code nr_inodes=} for the private tmpfs mounts, when the plan has any and {@link
   * #tmpfsSize(long)} was set; without a size the kernel's default stays.
   */
  public OptionalLong tmpfsInodesOption() {
    if (tmpfsMountPoints().isEmpty() || tmpfsSize == null) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(Math.max(1024, tmpfsSize / TMPFS_BYTES_PER_INODE));
  }

  public OptionalLong tmpfsSize() {
    return tmpfsSize == null ? OptionalLong.empty() : OptionalLong.of(tmpfsSize);
  }

  /**
   * The tmpfs {@code size=} value for the private tmpfs mounts, when the plan has any: the bytes
   * set by {@link #tmpfsSize(long)}, else {@link #DEFAULT_TMPFS_SIZE}.
   */
  public Optional<String> tmpfsSizeOption() {
    if (tmpfsMountPoints().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(tmpfsSize == null ? DEFAULT_TMPFS_SIZE : Long.toString(tmpfsSize));
  }

  // ---- network relays (issue 12): kept together at the end for easy merges ----

  /** Most relays one plan may carry (the launcher's own bound). */
  public static final int MAX_RELAYS = 16;

  private final List<Relay> relays = new ArrayList<>();
  private final List<Integer> published = new ArrayList<>();

  /**
   * A loopback listener inside the sandbox's network namespace that the launcher's supervisor
   * (outside Landlock and seccomp) relays to a unix socket on the host, connection by connection.
   *
   * @param port the port on 127.0.0.1 inside the namespace
   * @param socket the unix socket on the host (reached through a directory opened before the
   *     launcher enters its mount namespace, so the sandbox's mounts do not hide it)
   * @param connectTarget empty: bytes pass as they are (the proxy's own port); else {@code
   *     host:port} asked of the proxy with HTTP CONNECT first, so a host service appears inside at
   *     its own port for tools that ignore proxy variables
   */
  public record Relay(int port, Path socket, Optional<String> connectTarget) {
    public Relay {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("relay port " + port + " is not in 1..65535");
      }
      if (!socket.isAbsolute()) {
        throw new IllegalArgumentException("relay socket " + socket + " is not absolute");
      }
    }
  }

  /** Adds a relay; requires {@link Namespace#NET}. One relay per port. */
  public void addRelay(Relay relay) {
    claimPort(relay.port());
    relays.add(relay);
  }

  /** One relay or published port per port number, {@link #MAX_RELAYS} in all (the launcher's). */
  private void claimPort(int port) {
    if (relays.stream().anyMatch(r -> r.port() == port) || published.contains(port)) {
      throw new IllegalStateException("port " + port + " is already relayed or published");
    }
    if (relays.size() + published.size() >= MAX_RELAYS) {
      throw SandboxException.cannotSandbox(
          "more than " + MAX_RELAYS + " relayed and published ports (host services) in one run");
    }
  }

  public List<Relay> relays() {
    return List.copyOf(relays);
  }

  /**
   * Publishes a port: the launcher listens on the host's 127.0.0.1:PORT (bound before it enters the
   * sandbox's network namespace; the launcher fails, naming the port, when it is in use) and relays
   * each connection to 127.0.0.1:PORT inside the namespace, where the command's server listens.
   * Requires {@link Namespace#NET}; counts against {@link #MAX_RELAYS} and shares the relays' ports
   * (a relay inside on the same port would answer instead of the command).
   */
  public void publish(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("published port " + port + " is not in 1..65535");
    }
    claimPort(port);
    published.add(port);
  }

  public List<Integer> published() {
    return List.copyOf(published);
  }
}
