package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The complete, immutable description of what one sandboxed command may do.
 *
 * <p>Secure by default: {@link #defaults(Path)} allows reads except the home directories ({@link
 * #homes}: private, see {@link Builder#privateHome}) and, as a second line, credential stores under
 * them (and, when the caller is root, the entries under /etc only root can read), writes only to
 * the workspace and a private temporary directory, no network, a scrubbed environment, a new
 * session, whole-tree kill, no privileges, no access to other processes.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SandboxPolicy(
    FilesystemPolicy filesystem,
    NetworkPolicy network,
    ProcessPolicy process,
    ResourceLimits resources,
    EphemeralWorkspace ephemeral,
    List<CacheLayer> cacheLayers) {

  /** Well-known credential stores, relative to a home directory, that are unreadable by default. */
  public static final List<String> CREDENTIAL_STORES =
      List.of(
          ".ssh",
          ".aws",
          ".azure",
          ".gnupg",
          ".config/gh",
          ".config/gcloud",
          ".config/hub",
          ".netrc",
          ".git-credentials",
          ".docker/config.json",
          ".kube",
          ".npmrc",
          ".pypirc",
          ".m2/settings-security.xml",
          ".gradle/gradle.properties",
          ".cargo/credentials",
          ".cargo/credentials.toml",
          ".password-store",
          ".local/share/keyrings",
          ".vault-token",
          ".config/git/credentials",
          ".pgpass",
          ".my.cnf",
          ".s3cfg",
          ".boto",
          ".oci",
          ".terraform.d/credentials.tfrc.json",
          ".config/rclone",
          ".config/op",
          ".gem/credentials",
          ".composer/auth.json",
          ".yarnrc.yml",
          ".cache/huggingface/token",
          ".huggingface/token",
          ".claude",
          ".claude.json",
          ".codex",
          ".config/anthropic",
          ".config/openai");

  public SandboxPolicy {
    if (filesystem == null || network == null || process == null || resources == null) {
      throw SandboxException.invalid("a sandbox policy needs all four aspects");
    }
    if (ephemeral == null) {
      ephemeral = EphemeralWorkspace.OFF;
    }
    cacheLayers = cacheLayers == null ? List.of() : List.copyOf(cacheLayers);
    checkCacheLayers(filesystem, cacheLayers);
  }

  /**
   * Each layered cache must be a writable root, and its layer must lie outside every writable root
   * (else the command could edit the layer's upper directory or work directory directly).
   */
  private static void checkCacheLayers(FilesystemPolicy fs, List<CacheLayer> layers) {
    for (CacheLayer c : layers) {
      if (!fs.writableRoots().contains(c.cache())) {
        throw SandboxException.invalid(
            "cache layer " + c.cache() + " is not a writable root of the policy");
      }
      for (Path root : fs.allWritableRoots()) {
        if (c.directory().startsWith(root) || root.startsWith(c.directory())) {
          throw SandboxException.invalid(
              "the layer of cache "
                  + c.cache()
                  + " ("
                  + c.directory()
                  + ") would overlap the writable root "
                  + root
                  + ": set XDG_CACHE_HOME to a directory outside the writable roots");
        }
      }
    }
  }

  /** The secure default policy for a workspace, denying the credential stores of {@link #homes}. */
  public static SandboxPolicy defaults(Path workspace) {
    return builder(workspace).build();
  }

  public static Builder builder(Path workspace) {
    return new Builder(workspace);
  }

  /**
   * The home directories whose credential stores are denied by default: {@code $HOME} as the
   * command will see it and the account's home ({@code user.home}) if it differs.
   */
  public static List<Path> homes(Map<String, String> environment) {
    return homes(FileSystems.getDefault(), environment);
  }

  /**
   * As {@link #homes(Map)}, with the paths parsed by {@code fileSystem} (the workspace's): a home
   * that is not an absolute path there is left out.
   */
  public static List<Path> homes(FileSystem fileSystem, Map<String, String> environment) {
    LinkedHashSet<Path> homes = new LinkedHashSet<>();
    absoluteIn(fileSystem, environment.get("HOME")).ifPresent(homes::add);
    absoluteIn(fileSystem, System.getProperty("user.home")).ifPresent(homes::add);
    return List.copyOf(homes);
  }

  private static Optional<Path> absoluteIn(FileSystem fileSystem, String path) {
    if (path == null || path.isBlank()) {
      return Optional.empty();
    }
    try {
      Path p = fileSystem.getPath(path);
      return p.isAbsolute() ? Optional.of(p.normalize()) : Optional.empty();
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  /** The working directory the command starts in. */
  public Path workingDirectory() {
    return process.workingDirectory().orElse(filesystem.workspace());
  }

  /** Every feature that an isolator must enforce for this policy to run. */
  public Set<Feature> requiredFeatures() {
    EnumSet<Feature> f = EnumSet.noneOf(Feature.class);
    f.add(Feature.FS_WRITE_CONFINEMENT);
    if (!filesystem.readDeny().isEmpty()) {
      f.add(Feature.FS_READ_DENY);
    }
    if (!filesystem.readAllow().isEmpty()) {
      f.add(Feature.FS_READ_ALLOWLIST);
    }
    if (!filesystem.protectedPaths().isEmpty()) {
      f.add(Feature.FS_PROTECTED_PATHS);
    }
    if (filesystem.privateTmp()) {
      f.add(Feature.FS_PRIVATE_TMP);
    }
    if (!filesystem.privateHomes().isEmpty()) {
      f.add(Feature.FS_PRIVATE_HOME);
    }
    if (ephemeral.enabled()) {
      f.add(Feature.FS_EPHEMERAL);
    }
    if (!cacheLayers.isEmpty()) {
      f.add(Feature.FS_CACHE_LAYERS);
    }
    switch (network.mode()) {
      case NONE -> f.add(Feature.NET_DENY_ALL);
      case ALLOW -> f.add(Feature.NET_ALLOWLIST);
      case ALL -> {}
    }
    if (!network.publish().isEmpty()) {
      f.add(Feature.NET_PUBLISH);
    }
    f.add(Feature.PROC_ENV_SCRUB);
    f.add(Feature.PROC_NEW_SESSION);
    f.add(Feature.PROC_TREE_KILL);
    f.add(Feature.PROC_NO_PRIVILEGES);
    f.add(Feature.PROC_ISOLATION);
    resources.memoryBytes().ifPresent(v -> f.add(Feature.RES_MEMORY));
    resources.cpuTime().ifPresent(v -> f.add(Feature.RES_CPU_TIME));
    resources.timeout().ifPresent(v -> f.add(Feature.RES_TIMEOUT));
    resources.maxProcesses().ifPresent(v -> f.add(Feature.RES_MAX_PROCS));
    resources.maxFileSizeBytes().ifPresent(v -> f.add(Feature.RES_FILE_SIZE));
    resources.maxOpenFiles().ifPresent(v -> f.add(Feature.RES_OPEN_FILES));
    return f;
  }

  public Builder toBuilder() {
    Builder b = new Builder(filesystem.workspace());
    b.writableRoots.addAll(filesystem.writableRoots());
    b.readAllow.addAll(filesystem.readAllow());
    b.readDeny.clear();
    b.readDeny.addAll(filesystem.readDeny());
    b.defaultReadDeny = false;
    b.writeDeny.addAll(filesystem.writeDeny());
    b.protectedNames.clear();
    b.protectedNames.addAll(filesystem.protectedNames());
    b.privateTmp = filesystem.privateTmp();
    b.systemWriteOptIns.addAll(filesystem.systemWriteOptIns());
    b.readGrants.addAll(filesystem.readGrants());
    b.fixedPrivateHomes = filesystem.privateHomes();
    b.network = network;
    b.envPass.clear();
    b.envPass.addAll(process.envPass());
    b.envSet.putAll(process.envSet());
    b.workingDirectory = process.workingDirectory().orElse(null);
    b.resources = resources;
    b.ephemeral = ephemeral;
    b.cacheLayers.addAll(cacheLayers);
    return b;
  }

  /** Builds a policy starting from the secure defaults. */
  public static final class Builder {
    private Path workspace;
    private final List<Path> writableRoots = new ArrayList<>();
    private final List<Path> readAllow = new ArrayList<>();
    private final List<Path> readDeny = new ArrayList<>();
    private boolean defaultReadDeny = true;
    private boolean privateHome = true;
    private List<Path> fixedPrivateHomes;
    private final List<Path> readGrants = new ArrayList<>();
    private Map<String, String> homeEnvironment = System.getenv();
    private final List<Path> writeDeny = new ArrayList<>();
    private final List<String> protectedNames =
        new ArrayList<>(FilesystemPolicy.DEFAULT_PROTECTED_NAMES);
    private boolean privateTmp = true;
    private final List<Path> systemWriteOptIns = new ArrayList<>();
    private NetworkPolicy network = NetworkPolicy.NONE;
    private final List<String> envPass = new ArrayList<>(ProcessPolicy.DEFAULT_ENV_PASS);
    private final Map<String, String> envSet = new LinkedHashMap<>();
    private Path workingDirectory;
    private ResourceLimits resources = ResourceLimits.NONE;
    private EphemeralWorkspace ephemeral = EphemeralWorkspace.OFF;
    private final List<CacheLayer> cacheLayers = new ArrayList<>();

    private Builder(Path workspace) {
      this.workspace = workspace;
    }

    public Builder workspace(Path p) {
      this.workspace = p;
      return this;
    }

    public Builder allowWrite(Path p) {
      writableRoots.add(p);
      return this;
    }

    public Builder allowRead(Path p) {
      readAllow.add(p);
      return this;
    }

    /**
     * Keeps {@code p} readable inside a private home ({@link #privateHome}). Unlike {@link
     * #allowRead} it does not limit reads elsewhere; the credential-store deny-list still applies
     * beneath it.
     */
    public Builder grantRead(Path p) {
      readGrants.add(p);
      return this;
    }

    /**
     * Whether the home directories are private (default true): the command can neither read nor
     * list anything in them but the workspace and writable roots, {@link #grantRead} paths and
     * {@link #allowRead} paths that lie there. The homes are those of {@link #homes} for the
     * environment given to {@link #denyCredentialStores} (the caller's by default); a home that is
     * "/", or lies in a writable root, is left out. False restores reads of the whole home except
     * the credential-store deny-list, which holds in both modes.
     */
    public Builder privateHome(boolean enabled) {
      this.privateHome = enabled;
      this.fixedPrivateHomes = null;
      return this;
    }

    public Builder denyRead(Path p) {
      readDeny.add(p);
      return this;
    }

    /**
     * Opts in to {@code p} being a writable root although it is a system directory ({@link
     * SystemRoots}: "/", /etc, /usr, /var, /run, the account's home as a whole...). It makes
     * nothing writable by itself: {@code p} must also be the workspace or an {@link #allowWrite}
     * root. /proc, /sys and /dev are never writable roots, opted in or not.
     */
    public Builder allowSystemWrite(Path p) {
      systemWriteOptIns.add(p);
      return this;
    }

    public Builder denyWrite(Path p) {
      writeDeny.add(p);
      return this;
    }

    /**
     * Whether the credential stores under the home directories are denied (default true). The homes
     * are taken from {@code environment} ({@code HOME}) and the account's home. When this JVM runs
     * as root, the same switch denies every entry under /etc that only root can read (by its mode:
     * not readable by others, readable by uid or gid 0), such as /etc/shadow and /etc/ssl/private:
     * the command runs as uid 0 of its user namespace, their owner.
     */
    public Builder denyCredentialStores(boolean deny, Map<String, String> environment) {
      this.defaultReadDeny = deny;
      this.homeEnvironment = Map.copyOf(environment);
      this.fixedPrivateHomes = null;
      return this;
    }

    public Builder protectedNames(List<String> names) {
      protectedNames.clear();
      protectedNames.addAll(names);
      return this;
    }

    public Builder privateTmp(boolean enabled) {
      this.privateTmp = enabled;
      return this;
    }

    public Builder network(NetworkPolicy n) {
      this.network = n;
      return this;
    }

    /** Replaces the passed-through variable names. */
    public Builder envPass(List<String> names) {
      envPass.clear();
      envPass.addAll(names);
      return this;
    }

    /** Passes one more variable from the caller's environment. */
    public Builder passEnv(String name) {
      if (!envPass.contains(name)) {
        envPass.add(name);
      }
      return this;
    }

    public Builder setEnv(String name, String value) {
      envSet.put(name, value);
      return this;
    }

    public Builder workingDirectory(Path p) {
      this.workingDirectory = p;
      return this;
    }

    public Builder resources(ResourceLimits r) {
      this.resources = r;
      return this;
    }

    /**
     * Runs the command on a copy-on-write layer over the workspace (issue 14): see {@link
     * EphemeralWorkspace}. {@code EphemeralWorkspace.OFF} (the default) writes the workspace
     * directly.
     */
    public Builder ephemeral(EphemeralWorkspace e) {
      this.ephemeral = e == null ? EphemeralWorkspace.OFF : e;
      return this;
    }

    /**
     * Makes the writable root {@code cache} copy-on-write: the command's writes there land in
     * {@code directory} instead (see {@link CacheLayer}).
     */
    public Builder cacheLayer(Path cache, Path directory) {
      cacheLayers.add(new CacheLayer(cache, directory));
      return this;
    }

    public SandboxPolicy build() {
      List<Path> deny = new ArrayList<>();
      if (defaultReadDeny) {
        FileSystem fileSystem =
            workspace == null ? FileSystems.getDefault() : workspace.getFileSystem();
        for (Path home : homes(fileSystem, homeEnvironment)) {
          for (String store : CREDENTIAL_STORES) {
            deny.add(home.resolve(store));
          }
        }
        if (RootOnlyFiles.callerIsRoot()) {
          // uid 0 inside the user namespace still owns them (/etc/shadow, /etc/ssl/private...)
          deny.addAll(RootOnlyFiles.find());
        }
      }
      deny.addAll(readDeny);
      FilesystemPolicy fs =
          new FilesystemPolicy(
              workspace,
              writableRoots,
              readAllow,
              deny,
              writeDeny,
              protectedNames,
              privateTmp,
              systemWriteOptIns,
              privateHomes(),
              readGrants);
      ProcessPolicy proc =
          new ProcessPolicy(envPass, envSet, Optional.ofNullable(workingDirectory));
      return new SandboxPolicy(fs, network, proc, resources, ephemeral, cacheLayers);
    }

    private List<Path> privateHomes() {
      if (fixedPrivateHomes != null) {
        return fixedPrivateHomes; // a policy rebuilt by toBuilder keeps its homes
      }
      if (!privateHome) {
        return List.of();
      }
      FileSystem fileSystem =
          workspace == null ? FileSystems.getDefault() : workspace.getFileSystem();
      List<Path> roots = new ArrayList<>(writableRoots);
      if (workspace != null) {
        roots.add(workspace.normalize());
      }
      List<Path> out = new ArrayList<>();
      for (Path home : homes(fileSystem, homeEnvironment)) {
        // "/" as a home (some service accounts) would hide the system; a home inside a writable
        // root was made writable on purpose (that needs --allow-system-write)
        if (home.getNameCount() > 0 && roots.stream().noneMatch(home::startsWith)) {
          out.add(home);
        }
      }
      return out;
    }
  }
}
