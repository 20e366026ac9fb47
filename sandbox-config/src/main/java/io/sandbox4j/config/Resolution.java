package io.sandbox4j.config;

import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.SystemRoots;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * One policy being resolved from settings: what the {@link Setting} entries apply their values to.
 * Paths are resolved here, where the caller's {@code HOME} and the workspace are known.
 */
final class Resolution {
  private final Path baseDir;
  private final Map<String, String> callerEnvironment;
  private Path given;
  private Path workspace;
  private SandboxPolicy.Builder policy;
  private ResourceLimits limits = ResourceLimits.NONE;
  private String networkMode = "none";
  private final List<String> networkAllow = new ArrayList<>();
  private String networkAllowWhat;
  private final List<String> networkDeny = new ArrayList<>();
  private final List<Integer> publish = new ArrayList<>();
  private String publishWhat;
  private String networkDenyWhat;
  private final Map<Path, String> writableRoots = new LinkedHashMap<>();
  private final List<Path> systemWriteOptIns = new ArrayList<>();
  private final ToolProbe probe;
  private final List<String> profiles = new ArrayList<>();
  private final Set<String> envNamed = new HashSet<>();
  private final List<String> profileReport = new ArrayList<>();
  private boolean sharedCaches;

  Resolution(Path baseDir, Map<String, String> callerEnvironment, ToolProbe probe) {
    this.baseDir = baseDir;
    this.callerEnvironment = callerEnvironment;
    this.probe = probe;
  }

  /** The workspace comes first: the policy is built on it. */
  void workspace(Path p, String what) {
    given = resolve(p, what);
    if (!Files.isDirectory(given)) {
      throw SandboxException.invalid(what + ": '" + given + "' is not an existing directory");
    }
    workspace = real(given);
    writableRoots.put(workspace, what);
    policy = SandboxPolicy.builder(workspace).denyCredentialStores(true, callerEnvironment);
  }

  SandboxPolicy.Builder policy() {
    return policy;
  }

  /** The path resolved against HOME and the base directory, with its links resolved. */
  Path real(Path p, String what) {
    return real(resolve(p, what));
  }

  void allowWrite(Path p, String what) {
    Path r = resolve(p, what);
    if (!Files.exists(r)) {
      throw SandboxException.invalid(
          what + ": '" + r + "' does not exist; create it first (a writable root must exist)");
    }
    Path realRoot = insideWorkspace(r, what);
    policy.allowWrite(realRoot);
    writableRoots.putIfAbsent(realRoot, what);
  }

  /**
   * An {@code --allow-read} path, by its real path. Like a writable root, one spelled inside the
   * workspace must stay there: otherwise a link an earlier command planted (say to a directory in
   * the private home) would make the grant reveal what the command could not read.
   */
  void allowRead(Path p, String what) {
    policy.allowRead(insideWorkspace(resolve(p, what), what));
  }

  /** The real path of {@code r}, refused when it is spelled in the workspace but leads out. */
  private Path insideWorkspace(Path r, String what) {
    Path realPath = real(r);
    if ((r.startsWith(given) || r.startsWith(workspace)) && !realPath.startsWith(workspace)) {
      // A link inside the workspace may have been planted by an earlier sandboxed command.
      throw SandboxException.invalid(
          what
              + ": '"
              + r
              + "' leads out of the workspace through a symbolic link, to '"
              + realPath
              + "'; if that is intended, name '"
              + realPath
              + "' itself");
    }
    return realPath;
  }

  void allowSystemWrite(Path p, String what) {
    Path r = real(resolve(p, what));
    systemWriteOptIns.add(r);
    policy.allowSystemWrite(r);
  }

  void networkMode(String mode) {
    networkMode = mode;
  }

  void networkAllow(String entry, String what) {
    networkAllow.add(entry);
    networkAllowWhat = what;
  }

  void publish(int port, String what) {
    if (publish.contains(port)) {
      throw SandboxException.invalid(what + ": port " + port + " is given twice");
    }
    publish.add(port);
    publishWhat = what;
  }

  void networkDeny(String entry, String what) {
    networkDeny.add(entry);
    networkDenyWhat = what;
  }

  void profile(String name, String what) {
    if (!profiles.contains(name)) {
      profiles.add(name);
    }
  }

  /** {@code shared}: the profiles' caches are the host's, writable; else copy-on-write. */
  void profileCache(String mode) {
    sharedCaches = mode.equals("shared");
  }

  /** What the profiles granted, with each grant's source ({@code explain} prints it). */
  List<String> profileReport() {
    return List.copyOf(profileReport);
  }

  void env(String entry) {
    int eq = entry.indexOf('=');
    envNamed.add(eq < 0 ? entry : entry.substring(0, eq));
    if (eq < 0) {
      policy.passEnv(entry);
    } else {
      policy.setEnv(entry.substring(0, eq), entry.substring(eq + 1));
    }
  }

  void limits(UnaryOperator<ResourceLimits> change) {
    limits = change.apply(limits);
  }

  /** The policy, with {@code policyFile} (if any) kept read-only. */
  SandboxPolicy build(Path policyFile) {
    if (policyFile != null) {
      policy.denyWrite(policyFile);
    }
    applyProfiles();
    // checked here too so that the message names the flag or key the root came from
    for (Map.Entry<Path, String> root : writableRoots.entrySet()) {
      SystemRoots.check(
          root.getKey(), root.getValue(), systemWriteOptIns, SystemRoots.accountHome());
    }
    NetworkPolicy network = network();
    if (!publish.isEmpty() && network.mode() == NetworkMode.ALL) {
      throw SandboxException.invalid(
          publishWhat
              + ": published ports "
              + publish
              + " needs --net none or allow=: with --net all the command's servers are on the"
              + " host's loopback already");
    }
    return policy.network(network.withPublish(publish)).resources(limits).build();
  }

  /**
   * Applies the chosen profiles' grants. A cache that is a system directory (or the home as a
   * whole) is left out, not refused: the profile asked for it, not the user.
   */
  private void applyProfiles() {
    if (profiles.isEmpty()) {
      return;
    }
    ToolchainProfiles tp =
        new ToolchainProfiles(callerEnvironment, workspace, probe, networkMode.equals("allow"));
    Map<String, String> chosen = tp.choose(profiles);
    if (chosen.isEmpty()) {
      profileReport.add("auto: no marker file in the workspace; no profile chosen");
    }
    for (Map.Entry<String, String> c : chosen.entrySet()) {
      profileReport.add(c.getKey() + ": " + c.getValue());
      for (ProfileGrant g : tp.grants(c.getKey())) {
        String shown = g.describe();
        switch (g.kind()) {
          case WRITE -> {
            Path root = real(workspace.getFileSystem().getPath(g.value()));
            try {
              SystemRoots.check(
                  root, "profile " + g.profile(), systemWriteOptIns, SystemRoots.accountHome());
              policy.allowWrite(root);
              writableRoots.putIfAbsent(root, "profile " + g.profile());
              if (sharedCaches) {
                shown += "  shared with the host (--profile-cache shared)";
              } else {
                Path layer = CacheLayers.directory(callerEnvironment, g.profile(), root);
                policy.cacheLayer(root, layer);
                shown += "  copy-on-write, writes land in " + layer;
              }
            } catch (SandboxException e) {
              shown = "skipped   " + g.value() + "  (a system directory: " + g.source() + ")";
            }
          }
          case READ_ONLY -> policy.denyWrite(workspace.getFileSystem().getPath(g.value()));
          case HIDE -> policy.denyRead(workspace.getFileSystem().getPath(g.value()));
          case READ -> policy.grantRead(real(workspace.getFileSystem().getPath(g.value())));
          case PASS_ENV -> policy.passEnv(g.value());
          case SET_ENV -> {
            String name = g.value().substring(0, g.value().indexOf('='));
            if (envNamed.contains(name)) {
              shown = "kept      " + name + " as given by the user  (" + g.source() + ")";
            } else {
              policy.setEnv(name, g.value().substring(name.length() + 1));
            }
          }
          case NET -> {
            if (networkMode.equals("allow")) {
              if (!networkAllow.contains(g.value())) {
                networkAllow.add(g.value());
              }
            } else {
              shown += " not applied: network mode is " + networkMode;
            }
          }
          case NOTE -> {}
        }
        profileReport.add("  " + shown);
      }
    }
  }

  private NetworkPolicy network() {
    if (networkMode.equals("allow")) {
      return NetworkPolicy.allowRules(networkAllow, networkDeny);
    }
    if (!networkDeny.isEmpty()) {
      throw SandboxException.invalid(
          networkDenyWhat
              + ": deny entries "
              + networkDeny
              + " need mode \"allow\" (--net allow=...), not \""
              + networkMode
              + "\"");
    }
    if (!networkAllow.isEmpty()) {
      throw SandboxException.invalid(
          networkAllowWhat
              + ": allow entries "
              + networkAllow
              + " need mode \"allow\", not \""
              + networkMode
              + "\"");
    }
    return networkMode.equals("all") ? NetworkPolicy.ALL : NetworkPolicy.NONE;
  }

  private Path resolve(Path p, String what) {
    return baseDir.resolve(expand(p.toString(), what)).normalize();
  }

  private String expand(String p, String what) {
    if (Values.homeRelative(p)) {
      String home = callerEnvironment.get("HOME");
      if (home == null || home.isBlank()) {
        throw SandboxException.invalid(what + ": path '" + p + "' uses ~ but HOME is not set");
      }
      return home + p.substring(1);
    }
    return p;
  }

  /** The path with its links resolved when it exists (rules attach to what it names). */
  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }
}
