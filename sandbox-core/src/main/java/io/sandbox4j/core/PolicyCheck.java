package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.SystemRoots;
import io.sandbox4j.proxy.Decision;
import io.sandbox4j.proxy.HostResolver;
import io.sandbox4j.proxy.NetworkRules;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * Answers "may the command read or write this path, or connect to this destination?" from the
 * policy alone, without running anything: {@code sandbox why}, the inferred denial lines of a run
 * and the MCP server ask it. Paths are judged as given (normalized against the working directory,
 * links not followed); network destinations by the filtering proxy's own {@link NetworkRules}.
 *
 * <p>The answer is the policy's, not the kernel's: a path the policy allows may still be refused by
 * the file's own permissions, and a backend enforces the policy with what the host offers ({@code
 * sandbox explain} says which).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PolicyCheck {
  private PolicyCheck() {}

  /**
   * Whether the command may write {@code path} (create, change, delete), and why.
   *
   * @param path absolute, or relative to the policy's working directory
   */
  public static PolicyVerdict write(SandboxPolicy policy, Path path) {
    return judge(policy, path, true);
  }

  /**
   * Whether the command may read {@code path}, and why.
   *
   * @param path absolute, or relative to the policy's working directory
   */
  public static PolicyVerdict read(SandboxPolicy policy, Path path) {
    return judge(policy, path, false);
  }

  /** A deny-read entry decides both accesses (the contents are hidden); then each its own rules. */
  private static PolicyVerdict judge(SandboxPolicy policy, Path path, boolean write) {
    Path p = absolute(policy, path);
    for (Path d : policy.filesystem().readDeny()) {
      if (p.startsWith(d)) {
        return denyRead(d, write ? "write" : "read", p.toString());
      }
    }
    return write ? write(policy.filesystem(), p) : read(policy.filesystem(), p);
  }

  private static PolicyVerdict write(FilesystemPolicy fs, Path p) {
    String target = p.toString();
    if (SystemRoots.WRITABLE_DEVICES.contains(p)) {
      return allowed("write", target, "the devices every run may write (" + p + ")");
    }
    for (Path never : SystemRoots.NEVER_WRITABLE) {
      if (p.startsWith(never)) {
        return denied(
            "write",
            target,
            never + " (kernel interfaces and devices are never writable)",
            Optional.empty());
      }
    }
    for (Path d : fs.writeDeny()) {
      if (p.startsWith(d)) {
        return denied(
            "write",
            target,
            "deny-write entry " + d,
            Optional.of(
                "remove "
                    + d
                    + " from --deny-write (policy file: filesystem.deny-write) to allow it"));
      }
    }
    for (Path root : fs.allWritableRoots()) {
      for (String name : fs.protectedNames()) {
        Path prot = root.resolve(name).normalize();
        if (p.startsWith(prot)) {
          return denied(
              "write",
              target,
              "protected name "
                  + name
                  + " beneath the writable root "
                  + root
                  + " (it stays read-only: host tools run what it holds)",
              Optional.of(
                  "no flag allows it; SandboxPolicy.Builder.protectedNames sets the list in the"
                      + " library"));
        }
      }
    }
    Path root = rootOf(fs, p);
    if (root != null) {
      return allowed(
          "write",
          target,
          "writable root " + root + (root.equals(fs.workspace()) ? " (the workspace)" : ""));
    }
    if (fs.privateTmp()) {
      for (Path tmp : SystemRoots.PRIVATE_TMP) {
        if (p.startsWith(tmp)) {
          return allowed(
              "write",
              target,
              "the run's private temporary directory ("
                  + tmp
                  + " or TMPDIR, empty at the start"
                  + " and discarded after the run)");
        }
      }
    }
    return denied(
        "write",
        target,
        "not beneath a writable root " + fs.allWritableRoots(),
        Optional.of(allowWrite(p)));
  }

  private static PolicyVerdict read(FilesystemPolicy fs, Path p) {
    String target = p.toString();
    Path root = rootOf(fs, p);
    if (root != null) {
      return allowed("read", target, "writable root " + root + " (writable roots are readable)");
    }
    if (fs.readAllow().isEmpty()) {
      return allowed("read", target, "no read allow-list (reads are limited only by deny-read)");
    }
    for (Path a : fs.readAllow()) {
      if (p.startsWith(a)) {
        return allowed("read", target, "allow-read entry " + a);
      }
    }
    return denied(
        "read",
        target,
        "the read allow-list "
            + fs.readAllow()
            + " (system directories programs need to run stay readable)",
        Optional.of("allow it with --allow-read " + p + " (policy file: filesystem.allow-read)"));
  }

  /**
   * Whether the command may connect to {@code host} on {@code port}, decided as the run's filtering
   * proxy decides it (names resolved with {@code resolver}).
   *
   * @throws SandboxException (exit 2) when the host or port is not valid
   */
  public static PolicyVerdict connect(
      SandboxPolicy policy, String host, int port, HostResolver resolver) {
    if (port < 1 || port > 65535) {
      throw SandboxException.invalid("port " + port + " is not in 1..65535");
    }
    String target = new HostPort(host, OptionalInt.of(port)).toString();
    NetworkMode mode = policy.network().mode();
    if (mode == NetworkMode.NONE) {
      return denied(
          "connect to",
          target,
          "network mode none (the default)",
          Optional.of(
              "allow it with --net allow="
                  + target
                  + " (policy file: network.mode = \"allow\", network.allow = [\""
                  + target
                  + "\"])"));
    }
    if (mode == NetworkMode.ALL) {
      return allowed("connect to", target, "network mode all");
    }
    NetworkRules rules = NetworkRules.parse(policy.network().rules(), policy.network().deny());
    Decision d;
    try {
      d = rules.decide(host, port, resolver, NetworkRules.hostAddresses());
    } catch (UnknownHostException e) {
      return denied(
          "connect to",
          target,
          "the allow-list names it, but the name does not resolve here (" + e.getMessage() + ")",
          Optional.empty());
    }
    if (d.allowed()) {
      return allowed(
          "connect to",
          target,
          "allow-list entry '" + d.ruleEntry().orElseThrow() + "' (" + d.reason() + ")");
    }
    if (d.ruleEntry().isPresent() && policy.network().deny().contains(d.ruleEntry().get())) {
      return denied(
          "connect to",
          target,
          "deny-list entry '" + d.ruleEntry().get() + "' (" + d.reason() + ")",
          Optional.of(connectRemedy(policy, target, d.ruleEntry())));
    }
    // refused by the class of the address it resolves to: only an entry naming the address helps
    String add =
        d.ruleEntry().isEmpty() && !d.addresses().isEmpty()
            ? entryFor(d.addresses().get(0), port)
            : target;
    return denied(
        "connect to", target, d.reason(), Optional.of(connectRemedy(policy, add, d.ruleEntry())));
  }

  /**
   * How to allow a refused destination: remove the deny entry that refused it, or add {@code
   * target} to the allow-list (keeping the entries there).
   */
  static String connectRemedy(SandboxPolicy policy, String target, Optional<String> entry) {
    if (entry.isPresent() && policy.network().deny().contains(entry.get())) {
      return "remove '" + entry.get() + "' from --net-deny (policy file: network.deny) to allow it";
    }
    List<String> now = policy.network().rules();
    return "allow it with --net allow="
        + (now.isEmpty() ? "" : String.join(",", now) + ",")
        + target
        + " (policy file: add \""
        + target
        + "\" to network.allow)";
  }

  private static PolicyVerdict denyRead(Path entry, String access, String target) {
    boolean credentials =
        SandboxPolicy.CREDENTIAL_STORES.stream().anyMatch(c -> entry.endsWith(Path.of(c)));
    if (credentials) {
      return denied(
          access,
          target,
          "deny-read entry " + entry + " (a credential store: every policy denies it)",
          Optional.of(
              "no flag allows it; give the command what it needs another way (a token in an"
                  + " --env variable, a copy in the workspace)"));
    }
    return denied(
        access,
        target,
        "deny-read entry " + entry,
        Optional.of(
            "remove "
                + entry
                + " from --deny-read (policy file: filesystem.deny-read) to allow it"));
  }

  /** An allow-list entry for one address and port ({@code [::1]:8080} for IPv6). */
  private static String entryFor(InetAddress a, int port) {
    String text = a.getHostAddress();
    return (a instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port;
  }

  private static String allowWrite(Path p) {
    boolean system =
        p.equals(Path.of("/"))
            || SystemRoots.OPT_IN.stream().anyMatch(p::startsWith)
                && SystemRoots.OPT_IN_EXCEPTIONS.stream().noneMatch(p::startsWith);
    return "allow it with --allow-write "
        + p
        + (system ? " --allow-system-write " + p : "")
        + " (policy file: filesystem.allow-write"
        + (system ? " and filesystem.allow-system-write" : "")
        + "; the path must exist)";
  }

  private static Path rootOf(FilesystemPolicy fs, Path p) {
    for (Path root : fs.allWritableRoots()) {
      if (p.startsWith(root)) {
        return root;
      }
    }
    return null;
  }

  private static Path absolute(SandboxPolicy policy, Path path) {
    return policy.workingDirectory().resolve(path).normalize();
  }

  private static PolicyVerdict allowed(String access, String target, String rule) {
    return new PolicyVerdict(true, access, target, rule, Optional.empty());
  }

  private static PolicyVerdict denied(
      String access, String target, String rule, Optional<String> remedy) {
    return new PolicyVerdict(false, access, target, rule, remedy);
  }
}
