package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A policy as written by a user, in a policy file or in flags: plain strings, not yet resolved.
 * Scalar flags replace the file's value; repeatable flags add to the file's lists. {@link #resolve}
 * turns it into a {@link SandboxPolicy}, checking every value.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PolicySettings {
  /** Where relative paths of these settings are resolved against (file dir, or the cwd). */
  Path baseDir;

  String workspace;
  final List<Path> allowRead = new ArrayList<>();
  final List<Path> denyRead = new ArrayList<>();
  final List<Path> allowWrite = new ArrayList<>();
  final List<Path> denyWrite = new ArrayList<>();
  String networkMode;
  final List<String> networkAllow = new ArrayList<>();
  final List<String> env = new ArrayList<>();
  String memory;
  String cpuTime;
  String timeout;
  Integer maxProcs;
  String maxFileSize;
  Integer maxOpenFiles;
  final List<String> backends = new ArrayList<>();

  /** The policy file itself, protected from writes when it lies inside a writable root. */
  Path policyFile;

  public PolicySettings(Path baseDir) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
  }

  /** Reads a policy file (.toml, .yaml, .yml, .json) strictly; see {@link PolicyFileReader}. */
  public static PolicySettings load(Path file) {
    Path abs = file.toAbsolutePath().normalize();
    String text;
    try {
      text = Files.readString(abs, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw SandboxException.invalid(
          "policy file "
              + file
              + ": cannot be read ("
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ")");
    }
    Path dir = abs.getParent() == null ? abs : abs.getParent();
    PolicySettings s = new PolicySettings(dir);
    s.policyFile = abs;
    new PolicyFileReader(abs, text).readInto(s);
    return s;
  }

  // Setters used by the CLI; each validates later, in resolve(), so messages can name the flag.

  public PolicySettings workspace(String dir) {
    this.workspace = path(dir).toString();
    return this;
  }

  public PolicySettings addAllowRead(String p) {
    allowRead.add(path(p));
    return this;
  }

  public PolicySettings addDenyRead(String p) {
    denyRead.add(path(p));
    return this;
  }

  public PolicySettings addAllowWrite(String p) {
    allowWrite.add(path(p));
    return this;
  }

  public PolicySettings addDenyWrite(String p) {
    denyWrite.add(path(p));
    return this;
  }

  /** {@code none}, {@code all} or {@code allow=HOST[:PORT][,HOST[:PORT]...]} (the --net flag). */
  public PolicySettings net(String spec) {
    String s = spec.trim();
    if (s.startsWith("allow=")) {
      networkMode = "allow";
      networkAllow.clear();
      for (String e : s.substring("allow=".length()).split(",", -1)) {
        networkAllow.add(e);
      }
    } else if (s.equals("none") || s.equals("all")) {
      networkMode = s;
      networkAllow.clear();
    } else {
      throw SandboxException.invalid(
          "--net: '" + spec + "' is not one of none, all, allow=HOST[:PORT][,HOST[:PORT]...]");
    }
    return this;
  }

  public PolicySettings addEnv(String entry) {
    env.add(entry);
    return this;
  }

  public PolicySettings memory(String v) {
    this.memory = v;
    return this;
  }

  public PolicySettings cpuTime(String v) {
    this.cpuTime = v;
    return this;
  }

  public PolicySettings timeout(String v) {
    this.timeout = v;
    return this;
  }

  public PolicySettings maxProcs(int n) {
    this.maxProcs = n;
    return this;
  }

  public PolicySettings maxFileSize(String v) {
    this.maxFileSize = v;
    return this;
  }

  public PolicySettings maxOpenFiles(int n) {
    this.maxOpenFiles = n;
    return this;
  }

  public PolicySettings addBackend(String id) {
    backends.add(id);
    return this;
  }

  /** The backend ids chosen; empty for automatic. */
  public List<String> backends() {
    return List.copyOf(backends);
  }

  /** Applies {@code flags} on top of these settings (scalars replace, lists add). */
  public PolicySettings overrideWith(PolicySettings flags) {
    if (flags.workspace != null) {
      workspace = flags.workspace;
    } else if (workspace == null) {
      // A policy file without a workspace key means the current directory, as for flags alone.
      workspace = flags.baseDir.toString();
    }
    allowRead.addAll(flags.allowRead);
    denyRead.addAll(flags.denyRead);
    allowWrite.addAll(flags.allowWrite);
    denyWrite.addAll(flags.denyWrite);
    if (flags.networkMode != null) {
      networkMode = flags.networkMode;
      networkAllow.clear();
      networkAllow.addAll(flags.networkAllow);
    }
    env.addAll(flags.env);
    memory = flags.memory != null ? flags.memory : memory;
    cpuTime = flags.cpuTime != null ? flags.cpuTime : cpuTime;
    timeout = flags.timeout != null ? flags.timeout : timeout;
    maxProcs = flags.maxProcs != null ? flags.maxProcs : maxProcs;
    maxFileSize = flags.maxFileSize != null ? flags.maxFileSize : maxFileSize;
    maxOpenFiles = flags.maxOpenFiles != null ? flags.maxOpenFiles : maxOpenFiles;
    if (!flags.backends.isEmpty()) {
      backends.clear();
      backends.addAll(flags.backends);
    }
    return this;
  }

  /**
   * Resolves these settings into a policy. {@code ~} is the caller's {@code HOME}; relative paths
   * are resolved against the policy file's directory (or the current directory for flags).
   *
   * @throws SandboxException (exit 2) naming the offending flag/key and value
   */
  public SandboxPolicy resolve(Map<String, String> callerEnvironment) {
    String home = callerEnvironment.get("HOME");
    Path given = workspace == null ? baseDir : baseDir.resolve(expand(workspace, home)).normalize();
    if (!Files.isDirectory(given)) {
      throw SandboxException.invalid("workspace: '" + given + "' is not an existing directory");
    }
    Path ws = real(given);
    SandboxPolicy.Builder b =
        SandboxPolicy.builder(ws).denyCredentialStores(true, callerEnvironment);
    for (Path p : allowRead) {
      b.allowRead(real(resolvePath(p, home)));
    }
    for (Path p : denyRead) {
      b.denyRead(real(resolvePath(p, home)));
    }
    for (Path p : allowWrite) {
      Path r = resolvePath(p, home);
      if (!Files.exists(r)) {
        throw SandboxException.invalid(
            "allow-write: '"
                + r
                + "' does not exist; create it first (a writable root must exist)");
      }
      Path realRoot = real(r);
      if (r.startsWith(given) && !realRoot.startsWith(ws)) {
        // A link inside the workspace may have been planted by an earlier sandboxed command.
        throw SandboxException.invalid(
            "allow-write: '"
                + r
                + "' leads out of the workspace through a symbolic link, to '"
                + realRoot
                + "'; if that is intended, name '"
                + realRoot
                + "' itself");
      }
      b.allowWrite(realRoot);
    }
    for (Path p : denyWrite) {
      b.denyWrite(real(resolvePath(p, home)));
    }
    if (policyFile != null) {
      b.denyWrite(policyFile);
    }
    b.network(network());
    for (String e : env) {
      int eq = e.indexOf('=');
      if (eq < 0) {
        b.passEnv(e);
      } else {
        b.setEnv(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    ResourceLimits r = ResourceLimits.NONE;
    if (memory != null) {
      r = r.withMemoryBytes(Values.size("memory", memory));
    }
    if (cpuTime != null) {
      r = r.withCpuTime(Values.duration("cpu-time", cpuTime));
    }
    if (timeout != null) {
      r = r.withTimeout(Values.duration("timeout", timeout));
    }
    if (maxProcs != null) {
      r = r.withMaxProcesses(maxProcs);
    }
    if (maxFileSize != null) {
      r = r.withMaxFileSizeBytes(Values.size("max-file-size", maxFileSize));
    }
    if (maxOpenFiles != null) {
      r = r.withMaxOpenFiles(maxOpenFiles);
    }
    return b.resources(r).build();
  }

  private NetworkPolicy network() {
    String mode = networkMode == null ? "none" : networkMode.toLowerCase(Locale.ROOT);
    switch (mode) {
      case "none":
        if (!networkAllow.isEmpty()) {
          throw SandboxException.invalid(
              "network: allow entries " + networkAllow + " need mode \"allow\", not \"none\"");
        }
        return NetworkPolicy.NONE;
      case "all":
        if (!networkAllow.isEmpty()) {
          throw SandboxException.invalid(
              "network: allow entries " + networkAllow + " need mode \"allow\", not \"all\"");
        }
        return NetworkPolicy.ALL;
      case "allow":
        List<HostPort> hosts = new ArrayList<>();
        for (String e : networkAllow) {
          hosts.add(HostPort.parse(e));
        }
        return new NetworkPolicy(NetworkMode.ALLOW, hosts);
      default:
        throw SandboxException.invalid(
            "network mode: '" + networkMode + "' is not one of none, all, allow");
    }
  }

  /** Relative paths are resolved now, against this settings' base; {@code ~} waits for HOME. */
  private Path path(String p) {
    if (p == null || p.isBlank()) {
      throw SandboxException.invalid("empty path");
    }
    if (p.indexOf('\0') >= 0) {
      throw SandboxException.invalid("path '" + p.replace('\0', '?') + "' contains a NUL byte");
    }
    for (int i = 0; i < p.length(); i++) {
      if (Character.isISOControl(p.charAt(i))) {
        throw SandboxException.invalid(
            "path '" + p.replaceAll("\\p{Cntrl}", "?") + "' contains a control character");
      }
    }
    if (homeRelative(p)) {
      // Parsed by the base's file system: on Windows "~/x" becomes "~\x", which expand() knows.
      return baseDir.getFileSystem().getPath(p);
    }
    if (p.startsWith("~")) {
      throw SandboxException.invalid(
          "path '" + p + "': ~user is not supported; write the absolute path");
    }
    return baseDir.resolve(p).normalize();
  }

  /** The path with its links resolved when it exists (rules attach to what it names). */
  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (java.io.IOException e) {
      return p;
    }
  }

  private Path resolvePath(Path p, String home) {
    return baseDir.resolve(expand(p.toString(), home)).normalize();
  }

  /** {@code ~}, {@code ~/x} and, as Windows writes it (and parses {@code ~/x}), {@code ~\x}. */
  private static boolean homeRelative(String p) {
    return p.equals("~") || p.startsWith("~/") || p.startsWith("~\\");
  }

  private static String expand(String p, String home) {
    if (homeRelative(p)) {
      if (home == null || home.isBlank()) {
        throw SandboxException.invalid("path '" + p + "' uses ~ but HOME is not set");
      }
      return home + p.substring(1);
    }
    return p;
  }
}
