package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The pure-Java translation from a sandbox policy to Win32 parameters: SID lists, ACE sets, job
 * limit values and WFP filters. No native calls, so it is unit-tested on any OS; {@link
 * WindowsLauncher} executes what it produces.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsPlanner {
  /** Weight of the per-layer default block filter inside the sandbox sublayer. */
  static final int BLOCK_WEIGHT = 0;

  /** Weight of allow-list permits: above the block, so they win inside the sandbox sublayer. */
  static final int PERMIT_WEIGHT = 15;

  /**
   * 127.0.0.1 (InetAddress.getLoopbackAddress() may be ::1, as java.net.preferIPv6Addresses says).
   */
  private static final InetAddress LOOPBACK_V4 = loopbackV4();

  private WindowsPlanner() {}

  /** Resolves allow-list host names to addresses (a seam: tests pass a fixed table). */
  @FunctionalInterface
  public interface HostResolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
  }

  /**
   * The per-workspace AppContainer profile name: "sandbox4j." and 32 hex digits of the SHA-256 of
   * the workspace path, so one workspace always gets the same profile (and container SID).
   */
  public static String profileName(Path workspace) {
    return "sandbox4j." + hash(workspaceKey(workspace)).substring(0, 32);
  }

  /** The restricting SID that stands for "this workspace" in the restricted-token backend. */
  public static Sid workspaceSid(Path workspace) {
    return Sid.derived("sandbox4j-workspace", workspaceKey(workspace));
  }

  /**
   * The one spelling of a workspace that its profile, SID and setup record are derived from, so
   * that every way Windows accepts to name one directory gives the same ones: absolute and
   * normalised; on a file system with Windows syntax (separator {@code \}) also without a {@code
   * \\?\} prefix ({@code \\?\UNC\} becomes {@code \\}), without the trailing dots and spaces Win32
   * strips from each name, and in upper case (NTFS names are case-insensitive; upper case is how
   * NTFS folds them).
   */
  public static String workspaceKey(Path workspace) {
    String s = workspace.toAbsolutePath().normalize().toString();
    if (!workspace.getFileSystem().getSeparator().equals("\\")) {
      return s;
    }
    if (s.regionMatches(true, 0, "\\\\?\\UNC\\", 0, 8)) {
      s = "\\\\" + s.substring(8);
    } else if (s.startsWith("\\\\?\\")) {
      s = s.substring(4);
    }
    StringBuilder key = new StringBuilder();
    String[] parts = s.split("\\\\", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        key.append('\\');
      }
      String part = parts[i];
      boolean unc = i < 2 && s.startsWith("\\\\"); // the empty names before a UNC host
      key.append(unc ? part : part.replaceAll("[. ]+$", ""));
    }
    String k = key.toString();
    while (k.length() > 3 && k.endsWith("\\")) {
      k = k.substring(0, k.length() - 1);
    }
    return k.toUpperCase(java.util.Locale.ROOT);
  }

  /**
   * The restricted token: all privileges but SeChangeNotify dropped, administrator-like groups made
   * deny-only, low integrity, writes restricted to what is granted to the workspace SID, the run
   * SID, RESTRICTED, Everyone or the caller's logon SID (WRITE_RESTRICTED leaves reads to the
   * normal access check). Everyone and the logon SID are what the objects a process needs while it
   * starts (the window station, the session's named objects, the loader's sections) grant: without
   * them children of a write-restricted token commonly fail at start (STATUS_DLL_INIT_FAILED) or
   * cannot open the window station. They do not open the caller's files: the low integrity level
   * still forbids writing anything not labelled low, and only the writable roots are.
   */
  public static RestrictedTokenSpec restrictedToken(Sid workspaceSid, Sid runSid) {
    return new RestrictedTokenSpec(
        Win32Constants.DISABLE_MAX_PRIVILEGE | Win32Constants.WRITE_RESTRICTED,
        List.of(
            Sid.BUILTIN_ADMINISTRATORS,
            Sid.LOCAL_ACCOUNT_AND_ADMIN,
            Sid.BUILTIN_POWER_USERS,
            Sid.BUILTIN_BACKUP_OPERATORS,
            Sid.BUILTIN_NETWORK_CONFIGURATION_OPERATORS,
            Sid.BUILTIN_HYPER_V_ADMINISTRATORS),
        List.of(workspaceSid, runSid, Sid.RESTRICTED_CODE, Sid.EVERYONE, Sid.LOGON_SESSION),
        Sid.LOW_INTEGRITY,
        List.of(Sid.RESTRICTED_CODE, runSid));
  }

  /**
   * {@code spec} with the {@link Sid#LOGON_SESSION} placeholder replaced by the caller's logon SID,
   * or dropped when the caller's token has none (a service logon without an interactive session).
   */
  static RestrictedTokenSpec withLogonSid(RestrictedTokenSpec spec, Optional<Sid> logon) {
    List<Sid> restricting = new ArrayList<>();
    for (Sid s : spec.restrictingSids()) {
      if (!s.equals(Sid.LOGON_SESSION)) {
        restricting.add(s);
      } else {
        logon.ifPresent(restricting::add);
      }
    }
    return new RestrictedTokenSpec(
        spec.flags(),
        spec.denyOnlySids(),
        restricting,
        spec.integrityLevel(),
        spec.defaultDaclGrantees());
  }

  /**
   * The STARTUPINFO.lpDesktop of a private desktop: "window station\desktop". A bare desktop name
   * is looked up on a window station Windows picks for the new process, which for a restricted
   * token is not reliably the one the desktop was created on; the caller's own window station
   * ({@code WinSta0} in an interactive session, {@code Service-0x0-...$} for a service) is named
   * explicitly.
   */
  public static String desktopName(String windowStation, String desktop) {
    if (windowStation == null || windowStation.isBlank() || windowStation.contains("\\")) {
      throw new IllegalArgumentException("window station name '" + windowStation + "' is invalid");
    }
    if (desktop == null || desktop.isBlank() || desktop.contains("\\")) {
      throw new IllegalArgumentException("desktop name '" + desktop + "' is invalid");
    }
    return windowStation + "\\" + desktop;
  }

  /**
   * The token to derive an AppContainer process from when a run has both: privileges dropped and
   * administrator-like groups deny-only, but no restricting SIDs and no WRITE_RESTRICTED. The
   * AppContainer already confines writes (its SID must be granted) and Windows derives its low-box
   * token from a plain primary token; restricting SIDs would add nothing but a second grant check.
   */
  public static RestrictedTokenSpec forAppContainer(RestrictedTokenSpec spec) {
    return new RestrictedTokenSpec(
        Win32Constants.DISABLE_MAX_PRIVILEGE,
        spec.denyOnlySids(),
        List.of(),
        spec.integrityLevel(),
        spec.defaultDaclGrantees());
  }

  /**
   * Puts the run in the workspace's AppContainer: the per-workspace profile with exactly the
   * capabilities the network mode needs, the container's one-time grants on the writable roots (it
   * could write nothing otherwise) with the protected-path denials and placeholders, and a
   * kill-on-close job with every UI restriction (an AppContainer still shares the caller's desktop,
   * clipboard and global atoms otherwise). Used by every appcontainer isolator, and by the wfp
   * backend, whose filters match the container's package SID and nothing else.
   *
   * <p>Never LPAC: a less-privileged AppContainer ignores ALL APPLICATION PACKAGES grants, so every
   * program it runs (its directory, its DLLs, a whole JDK) would need a grant for the container
   * outside the workspace, and this setup never changes ACLs outside the writable roots. {@link
   * AppContainerSpec#lessPrivileged} stays for a caller that makes those grants itself.
   */
  public static WindowsLaunchPlan containWorkspace(SandboxPolicy policy, WindowsLaunchPlan plan) {
    FilesystemPolicy fs = policy.filesystem();
    plan.appContainer(
        new AppContainerSpec(
            profileName(fs.workspace()), networkCapabilities(policy.network().mode()), false));
    plan.addWorkspaceGrants(fs.workspace(), writeGrants(fs, Sid.RUN_APPCONTAINER));
    plan.addProtectedPlaceholders(missingProtectedPaths(fs));
    plan.limitJob(JobLimits.ALL_UI_RESTRICTIONS);
    return plan;
  }

  /**
   * What every appcontainer isolator contributes, whichever of them is selected: {@link
   * #containWorkspace} and the container's deny ACEs for read-denied paths inside the writable
   * roots ({@link #readDenyGrants}).
   */
  public static WindowsLaunchPlan containWorkspaceDenyingReads(
      SandboxPolicy policy, WindowsLaunchPlan plan) {
    containWorkspace(policy, plan);
    plan.addWorkspaceGrants(
        policy.filesystem().workspace(), readDenyGrants(policy.filesystem(), Sid.RUN_APPCONTAINER));
    return plan;
  }

  /**
   * What every restrictedtoken isolator contributes: the restricted token (its restricting SIDs are
   * the workspace SID, the run SID and RESTRICTED), and the one-time grants without which the
   * low-integrity, write-restricted process could not write its workspace at all: a low integrity
   * label on each writable root, MODIFY for the workspace SID, and denials on protected paths
   * (created as placeholders when missing).
   */
  public static WindowsLaunchPlan restrictTokenToWorkspace(
      SandboxPolicy policy, WindowsLaunchPlan plan) {
    FilesystemPolicy fs = policy.filesystem();
    Sid workspaceSid = workspaceSid(fs.workspace());
    plan.restrictedToken(restrictedToken(workspaceSid, plan.runSid()));
    List<AccessGrant> grants = new ArrayList<>(lowIntegrityLabels(fs));
    grants.addAll(writeGrants(fs, workspaceSid));
    plan.addWorkspaceGrants(fs.workspace(), grants);
    plan.addProtectedPlaceholders(missingProtectedPaths(fs));
    return plan;
  }

  /**
   * A low integrity label (inherited) on every writable root, so a low-integrity token may write.
   */
  static List<AccessGrant> lowIntegrityLabels(FilesystemPolicy fs) {
    List<AccessGrant> labels = new ArrayList<>();
    for (Path root : fs.allWritableRoots()) {
      labels.add(
          new AccessGrant(
              root, Sid.LOW_INTEGRITY, AccessGrant.Mode.LOW_INTEGRITY_LABEL, 0x1, true));
    }
    return List.copyOf(labels);
  }

  /**
   * The workspace grants a run actually needs. With an AppContainer only the container's own grants
   * (trustee {@link Sid#RUN_APPCONTAINER}) matter: its token carries no restricting SIDs (see
   * {@link #forAppContainer}) and is low-box anyway, so the restricted token's low labels and
   * workspace-SID grants would only weaken the workspace for other low-integrity processes.
   */
  public static List<AccessGrant> effectiveGrants(WindowsLaunchPlan plan) {
    if (plan.appContainer().isEmpty()) {
      return plan.workspaceGrants();
    }
    return plan.workspaceGrants().stream()
        .filter(g -> g.trustee().equals(Sid.RUN_APPCONTAINER))
        .toList();
  }

  /**
   * The grants the launcher ensures before a run: {@link #effectiveGrants}, with {@link
   * Sid#RUN_APPCONTAINER} replaced by the container's real SID, which exists only once the profile
   * does ({@code container} is empty exactly when the plan has no AppContainer).
   */
  static List<AccessGrant> grantsToApply(WindowsLaunchPlan plan, Optional<Sid> container) {
    if (plan.appContainer().isPresent() != container.isPresent()) {
      throw new IllegalArgumentException(
          "the container SID must be given exactly when the plan has an AppContainer");
    }
    if (container.isEmpty()) {
      return plan.workspaceGrants();
    }
    Sid sid = container.get();
    return effectiveGrants(plan).stream()
        .map(
            g ->
                g.trustee().equals(Sid.RUN_APPCONTAINER)
                    ? new AccessGrant(g.path(), sid, g.mode(), g.accessMask(), g.inherit())
                    : g)
        .toList();
  }

  /**
   * The token CreateProcessAsUserW gets, if any: the plan's restricted token, reduced to {@link
   * #forAppContainer} when the run also has an AppContainer. Without one, CreateProcessW runs the
   * command with the caller's token (an AppContainer alone, or a job alone).
   */
  static Optional<RestrictedTokenSpec> tokenToCreate(WindowsLaunchPlan plan) {
    return plan.restrictedToken()
        .map(t -> plan.appContainer().isPresent() ? forAppContainer(t) : t);
  }

  /**
   * The capability SIDs of SECURITY_CAPABILITIES: the container's, then the run SID, then the
   * private temp SID if it differs. The run SID travels as one more capability of the container: it
   * is what the private temp directory and the private desktop grant.
   */
  static List<Sid> containerCapabilities(WindowsLaunchPlan plan) {
    AppContainerSpec ac =
        plan.appContainer()
            .orElseThrow(() -> new IllegalStateException("the plan has no AppContainer"));
    List<Sid> all = new ArrayList<>(ac.capabilities());
    all.add(plan.runSid());
    plan.privateTmpSid().filter(sid -> !sid.equals(plan.runSid())).ifPresent(all::add);
    return List.copyOf(all);
  }

  /**
   * The directories an AppContainer must be able to read before its command starts: the plan's,
   * then the executable's own directory (once).
   */
  static List<Path> mustBeReadable(WindowsLaunchPlan plan, Path executable) {
    List<Path> dirs = new ArrayList<>(plan.mustBeReadable());
    Path dir = executable.getParent();
    if (dir != null && !dirs.contains(dir)) {
      dirs.add(dir);
    }
    return List.copyOf(dirs);
  }

  /** The workspace an AppContainer profile is recorded for: the plan's, else the policy's. */
  static Path profileWorkspace(WindowsLaunchPlan plan, SandboxPolicy policy) {
    return plan.workspace().orElse(policy.filesystem().workspace());
  }

  /**
   * Refuses a plan the launcher cannot enforce as asked, before anything native is done: WFP
   * filters without an AppContainer (they are keyed by its package SID), and an allow-listed
   * network whose AppContainer has a network capability but no filters (the capability alone would
   * allow every destination).
   *
   * @throws SandboxException (exit 125) naming the backend that is missing
   */
  static void checkEnforceable(WindowsLaunchPlan plan, NetworkMode mode) {
    if (!plan.wfpFilters().isEmpty()) {
      if (plan.appContainer().isEmpty()) {
        throw SandboxException.cannotSandbox(
            "WFP filters are keyed by the AppContainer package SID, but this run has no"
                + " AppContainer: select the appcontainer backend with the wfp backend");
      }
    } else if (plan.appContainer().map(AppContainerSpec::hasNetworkCapability).orElse(false)
        && mode == NetworkMode.ALLOW) {
      throw SandboxException.cannotSandbox(
          "an allow-listed network needs the wfp backend's filters: the AppContainer capability"
              + " alone would allow every destination");
    }
  }

  /**
   * The job limits for a policy's resources: kill-on-close always; memory as JOB_MEMORY (the whole
   * tree), CPU time as PerJobUserTimeLimit (100 ns units, whole seconds rounded up), the process
   * count as ActiveProcessLimit; all UI restrictions when {@code restrictUi}.
   */
  public static JobLimits jobLimits(ResourceLimits r, boolean restrictUi) {
    int flags = Win32Constants.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    flags |= Win32Constants.JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION;
    int procs = 0;
    long memory = 0;
    long time = 0;
    if (r.maxProcesses().isPresent()) {
      flags |= Win32Constants.JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
      procs = r.maxProcesses().getAsInt();
    }
    if (r.memoryBytes().isPresent()) {
      flags |= Win32Constants.JOB_OBJECT_LIMIT_JOB_MEMORY;
      memory = r.memoryBytes().getAsLong();
    }
    if (r.cpuTime().isPresent()) {
      Duration d = r.cpuTime().get();
      long seconds = d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
      flags |= Win32Constants.JOB_OBJECT_LIMIT_JOB_TIME;
      time = Math.multiplyExact(seconds, 10_000_000L);
    }
    return new JobLimits(
        flags, procs, memory, time, restrictUi ? Win32Constants.JOB_OBJECT_UILIMIT_ALL : 0);
  }

  /**
   * The one-time ACE set for write confinement and protected paths, for {@code trustee}.
   *
   * <ul>
   *   <li>every writable root: allow MODIFY (no FILE_DELETE_CHILD), inherited;
   *   <li>every protected path: deny ALL_WRITES, inherited, so nothing beneath can change;
   *   <li>every directory from a writable root down to a protected path's parent, the root
   *       included: deny DELETE on that object only, so no ancestor can be renamed away and
   *       re-created without its protection.
   * </ul>
   */
  public static List<AccessGrant> writeGrants(FilesystemPolicy fs, Sid trustee) {
    List<AccessGrant> grants = new ArrayList<>();
    for (Path root : fs.allWritableRoots()) {
      grants.add(new AccessGrant(root, trustee, AccessGrant.Mode.ALLOW, AccessGrant.MODIFY, true));
    }
    Set<Path> ancestors = new LinkedHashSet<>();
    for (Path p : fs.protectedPaths()) {
      grants.add(new AccessGrant(p, trustee, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true));
      for (Path root : fs.allWritableRoots()) {
        if (root.startsWith(p) && !root.equals(p)) {
          // the deny wins: a root's explicit allow would come before the deny it inherits from p
          grants.add(
              new AccessGrant(root, trustee, AccessGrant.Mode.DENY, AccessGrant.ALL_WRITES, true));
        }
        if (p.startsWith(root) && !p.equals(root)) {
          for (Path a = p.getParent(); a != null && a.startsWith(root); a = a.getParent()) {
            ancestors.add(a);
          }
        }
      }
    }
    for (Path a : ancestors) {
      grants.add(new AccessGrant(a, trustee, AccessGrant.Mode.DENY, Win32Constants.DELETE, false));
    }
    return List.copyOf(grants);
  }

  /**
   * Deny-read ACEs for read deny-list paths that lie beneath a path the container was granted:
   * elsewhere an AppContainer cannot read a user's files anyway, because nothing grants its SID.
   */
  public static List<AccessGrant> readDenyGrants(FilesystemPolicy fs, Sid trustee) {
    List<AccessGrant> grants = new ArrayList<>();
    List<Path> granted = new ArrayList<>(fs.allWritableRoots());
    granted.addAll(fs.readGrants());
    for (Path p : fs.readDeny()) {
      for (Path root : granted) {
        if (p.startsWith(root)) {
          grants.add(
              new AccessGrant(
                  p,
                  trustee,
                  AccessGrant.Mode.DENY,
                  Win32Constants.GENERIC_ALL | AccessGrant.READ_EXECUTE | AccessGrant.ALL_WRITES,
                  true));
          break;
        }
      }
    }
    return List.copyOf(grants);
  }

  /**
   * A private home on Windows: nothing grants the container's SID anything in the user's profile,
   * so the home stays unreadable (the launcher checks it before the run: {@link
   * WindowsLaunchPlan#requireUnreadable}) but for the writable roots and these one-time inherited
   * read grants, one per {@link FilesystemPolicy#readGrants() read grant} outside the writable
   * roots. Read deny-list paths beneath them get deny ACEs ({@link #readDenyGrants}).
   */
  public static List<AccessGrant> privateHomeGrants(FilesystemPolicy fs, Sid trustee) {
    List<AccessGrant> grants = new ArrayList<>();
    for (Path p : fs.readGrants()) {
      if (fs.allWritableRoots().stream().noneMatch(p::startsWith)) {
        grants.add(
            new AccessGrant(p, trustee, AccessGrant.Mode.ALLOW, AccessGrant.READ_EXECUTE, true));
      }
    }
    return List.copyOf(grants);
  }

  /** Protected paths that do not exist: they get created as placeholders so ACEs can hold them. */
  public static List<Path> missingProtectedPaths(FilesystemPolicy fs) {
    List<Path> missing = new ArrayList<>();
    for (Path p : fs.protectedPaths()) {
      if (!Files.exists(p)) {
        missing.add(p);
      }
    }
    return List.copyOf(missing);
  }

  /** The AppContainer capabilities a network mode needs: none at all for no network. */
  public static List<Sid> networkCapabilities(NetworkMode mode) {
    return switch (mode) {
      case NONE -> List.of();
      case ALLOW -> List.of(Sid.CAPABILITY_INTERNET_CLIENT);
      case ALL ->
          List.of(
              Sid.CAPABILITY_INTERNET_CLIENT,
              Sid.CAPABILITY_INTERNET_CLIENT_SERVER,
              Sid.CAPABILITY_PRIVATE_NETWORK_CLIENT_SERVER);
    };
  }

  /**
   * The WFP filters for a network policy, keyed by the run's AppContainer package SID: a block at
   * each of the four ALE layers (connect and accept, IPv4 and IPv6), plus, in allow-list mode, one
   * permit per resolved address and port at the connect layer of its family. Mode ALL gives none.
   *
   * @throws SandboxException (exit 2) when an allow-list host cannot be resolved
   */
  public static List<WfpFilter> wfpFilters(NetworkPolicy network, HostResolver resolver) {
    if (network.mode() == NetworkMode.ALL) {
      return List.of();
    }
    List<WfpFilter> filters = new ArrayList<>();
    for (WfpLayer layer : WfpLayer.values()) {
      filters.add(
          new WfpFilter(
              layer, WfpFilter.Action.BLOCK, BLOCK_WEIGHT, List.of(WfpCondition.packageId())));
    }
    if (network.mode() == NetworkMode.ALLOW) {
      for (HostPort hp : network.allow()) {
        List<InetAddress> addresses;
        if (hp.host().equals("*")) {
          addresses = List.of();
        } else {
          try {
            addresses = resolver.resolve(hp.host());
          } catch (UnknownHostException e) {
            throw SandboxException.invalid(
                "network allow-list host '"
                    + hp.host()
                    + "' cannot be resolved: "
                    + e.getMessage());
          }
          if (addresses.isEmpty()) {
            throw SandboxException.invalid(
                "network allow-list host '" + hp.host() + "' resolved to no address");
          }
        }
        for (WfpLayer layer : List.of(WfpLayer.ALE_AUTH_CONNECT_V4, WfpLayer.ALE_AUTH_CONNECT_V6)) {
          if (addresses.isEmpty()) {
            // "*:port": any destination on that port (HostPort guarantees a port is given or
            // the entry would mean "everything", which mode ALL expresses instead).
            if (hp.port().isEmpty()) {
              throw SandboxException.invalid(
                  "network allow-list entry '*' needs a port; use network mode 'all' for"
                      + " everything");
            }
            filters.add(
                new WfpFilter(
                    layer,
                    WfpFilter.Action.PERMIT,
                    PERMIT_WEIGHT,
                    List.of(
                        WfpCondition.packageId(), WfpCondition.remotePort(hp.port().getAsInt()))));
            continue;
          }
          for (InetAddress a : addresses) {
            List<WfpCondition> conditions = new ArrayList<>();
            conditions.add(WfpCondition.packageId());
            WfpCondition addr = WfpCondition.remoteAddress(a);
            if (!addr.fits(layer)) {
              continue;
            }
            conditions.add(addr);
            hp.port().ifPresent(port -> conditions.add(WfpCondition.remotePort(port)));
            filters.add(new WfpFilter(layer, WfpFilter.Action.PERMIT, PERMIT_WEIGHT, conditions));
          }
        }
      }
    }
    return List.copyOf(filters);
  }

  /**
   * The WFP filters for an allow-list enforced by the filtering proxy (issue 12): the proxy runs in
   * this JVM on the host's 127.0.0.1 at {@code proxyPort} and judges every destination, so the
   * AppContainer is permitted that one loopback address and port and nothing else: the four blocks
   * of {@link #wfpFilters} and one permit at ALE_AUTH_CONNECT_V4 (the proxy listens on IPv4 only).
   * The command reaches it through the proxy variables the engine sets; a direct socket anywhere
   * else is blocked. The profile must also be exempt from Windows' loopback isolation, which
   * otherwise blocks an AppContainer's loopback traffic before WFP permits it (over-blocking).
   */
  public static List<WfpFilter> wfpProxyFilters(int proxyPort) {
    List<WfpFilter> filters = new ArrayList<>(wfpFilters(NetworkPolicy.NONE, h -> List.of()));
    filters.add(
        new WfpFilter(
            WfpLayer.ALE_AUTH_CONNECT_V4,
            WfpFilter.Action.PERMIT,
            PERMIT_WEIGHT,
            List.of(
                WfpCondition.packageId(),
                WfpCondition.remoteAddress(LOOPBACK_V4),
                WfpCondition.remotePort(proxyPort))));
    return List.copyOf(filters);
  }

  private static InetAddress loopbackV4() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // four bytes are always an address
    }
  }

  /**
   * The PROC_THREAD_ATTRIBUTE_* entries the launcher puts in the attribute list, in order: the
   * handle list always (only the three standard handles are inherited), SECURITY_CAPABILITIES for
   * an AppContainer, ALL_APPLICATION_PACKAGES_POLICY for LPAC, and JOB_LIST (the job is assigned at
   * creation, so no code of the command runs outside it).
   */
  public static List<Integer> attributeList(WindowsLaunchPlan plan) {
    List<Integer> attrs = new ArrayList<>();
    attrs.add(Win32Constants.PROC_THREAD_ATTRIBUTE_HANDLE_LIST);
    plan.appContainer()
        .ifPresent(
            ac -> {
              attrs.add(Win32Constants.PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES);
              if (ac.lessPrivileged()) {
                attrs.add(Win32Constants.PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY);
              }
            });
    attrs.add(Win32Constants.PROC_THREAD_ATTRIBUTE_JOB_LIST);
    return List.copyOf(attrs);
  }

  /**
   * The SDDL of a private temporary directory: protected DACL (nothing inherited from the parent),
   * full control for the caller ({@code userSid}) and the run's SID only; low integrity label so a
   * low-integrity sandbox can write it.
   */
  public static String privateTmpSddl(String userSid, Sid runSid) {
    new Sid(userSid);
    return "D:P(A;OICI;FA;;;" + userSid + ")(A;OICI;FA;;;" + runSid + ")S:(ML;OICI;NW;;;LW)";
  }

  /**
   * The SDDL of a run's private desktop: full control for the caller and the run's SID, RESTRICTED
   * (a restricting SID of the token), ALL APPLICATION PACKAGES (AppContainer runs), and a low
   * integrity label.
   */
  public static String desktopSddl(String userSid, Sid runSid) {
    new Sid(userSid);
    return "D:P(A;;GA;;;"
        + userSid
        + ")(A;;GA;;;"
        + runSid
        + ")(A;;GA;;;RC)(A;;GA;;;AC)S:(ML;;NW;;;LW)";
  }

  /**
   * The SDDL of a restricted token's default DACL (what the objects the process creates get): full
   * control for the caller, SYSTEM and the spec's grantees, so that the restricted process can open
   * its own objects again.
   */
  static String defaultDaclSddl(String userSid, RestrictedTokenSpec spec) {
    StringBuilder sddl = new StringBuilder("D:(A;;GA;;;").append(userSid).append(")(A;;GA;;;SY)");
    for (Sid s : spec.defaultDaclGrantees()) {
      sddl.append("(A;;GA;;;").append(s).append(')');
    }
    return sddl.toString();
  }

  static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
