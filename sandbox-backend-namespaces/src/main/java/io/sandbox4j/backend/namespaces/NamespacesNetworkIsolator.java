package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import io.sandbox4j.proxy.NetworkRule;
import io.sandbox4j.proxy.NetworkRules;
import io.sandbox4j.proxy.RunProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A network namespace with only loopback (up): no IPv4, IPv6 or UDP route out, host loopback
 * services and abstract unix sockets unreachable. Two families escape a network namespace: AF_UNIX
 * pathname sockets are files, reachable through the filesystem from any namespace, and AF_VSOCK
 * ignores network namespaces. So a seccomp program of this isolator's own ({@link
 * SeccompPrograms#socketFamilyAllowList}) makes socket(AF_UNIX) and socket(AF_VSOCK) fail with
 * EAFNOSUPPORT. Stream and seqpacket socketpairs still work (pipes between the command's
 * processes); datagram pairs, SOCK_RAW ones included (unix sockets turn them into datagrams), are
 * refused, so no unix datagram socket, which could send to any pathname socket by address, exists
 * in the sandbox. socket(AF_INET, SOCK_PACKET), a packet socket in disguise, is refused too. TCP
 * and UDP on the namespace's own loopback keep working. Unavailable where seccomp filters cannot be
 * installed or on an architecture the program does not cover.
 *
 * <p>As a second layer, every pathname socket bound in the caller's network namespace at launch (as
 * /proc/net/unix lists them) outside the writable roots is masked, and so is $SSH_AUTH_SOCK: cheap,
 * and it still holds should a unix socket be obtained another way.
 *
 * <p>An allow-list is the same closed namespace with one way out: the run's filtering proxy, which
 * the launcher's supervisor relays from 127.0.0.1:PORT inside (see {@link #allowList}).
 */
final class NamespacesNetworkIsolator extends AbstractIsolator {
  private final LinuxHost host;
  private final Path procNetUnix;
  private final String osArch;

  NamespacesNetworkIsolator(LinuxHost host) {
    this(host, Path.of("/proc/net/unix"), System.getProperty("os.arch"));
  }

  NamespacesNetworkIsolator(LinuxHost host, Path procNetUnix, String osArch) {
    super(
        "network",
        Aspect.NETWORK,
        Set.of(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST, Feature.NET_PUBLISH));
    this.host = host;
    this.procNetUnix = procNetUnix;
    this.osArch = osArch;
  }

  @Override
  public Availability probe() {
    return Availability.allOf(
        Namespaces.requirements(host),
        SyscallTable.forArch(osArch).isPresent()
            ? Availability.available("")
            : Availability.unavailable(
                "the namespaces network isolator's seccomp program covers x86-64 and aarch64"
                    + " only, not "
                    + osArch
                    + "; use the seccomp backend's network isolator (--backend seccomp)"),
        host.seccompFilter()
            ? Availability.available("")
            : Availability.unavailable(
                "seccomp filters cannot be installed here (a kernel with CONFIG_SECCOMP_FILTER is"
                    + " needed), and without one unix and vsock sockets would reach outside the"
                    + " network namespace"),
        Availability.available(
            "network namespace with loopback only; unix and vsock sockets refused by seccomp;"
                + " host pathname unix sockets masked"));
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("namespaces", this);
    boolean closed = owned.contains(Feature.NET_DENY_ALL) || owned.contains(Feature.NET_ALLOWLIST);
    if (owned.contains(Feature.NET_PUBLISH) && !closed) {
      // Publishing needs the namespace this isolator makes; another isolator's network has none.
      throw SandboxException.cannotSandbox(
          "the namespaces backend publishes ports from its own network namespace, but another"
              + " backend enforces this run's network ("
              + policy.network().mode()
              + "); choose --backend namespaces for the network, or do not publish");
    }
    if (!closed) {
      return;
    }
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    if (owned.contains(Feature.NET_ALLOWLIST)) {
      allowList(policy, spec, plan);
    }
    if (owned.contains(Feature.NET_PUBLISH)) {
      publish(policy.network().publish(), plan);
    }
    Namespaces.userAndMount(plan);
    plan.addNamespaces(Namespace.NET);
    plan.loopbackUp();
    plan.addSeccompFilter(SocketFamilyFilter.ENCODED);
    List<Path> sockets = new ArrayList<>(hostSockets());
    String agent = System.getenv("SSH_AUTH_SOCK");
    if (agent != null && Path.of(agent).isAbsolute()) {
      sockets.add(Path.of(agent).normalize());
    }
    List<Path> roots = policy.filesystem().allWritableRoots();
    FilesystemMounts m = new FilesystemMounts();
    m.mask(sockets.stream().filter(s -> roots.stream().noneMatch(s::startsWith)).toList());
    m.mounts().forEach(plan::addMount);
  }

  /**
   * The allow-list: the same closed namespace, plus the run's filtering proxy (a {@link RunProxy}
   * the engine starts) reached through the launcher's relay on 127.0.0.1:PORT inside, and one relay
   * per allowed loopback {@code host:port} (a host service at its own port inside; the proxy still
   * judges and records each connection).
   */
  void allowList(SandboxPolicy policy, LaunchSpec spec, LinuxLaunchPlan plan) {
    NetworkPolicy network = policy.network();
    if (network.rules().isEmpty() || network.allow().stream().anyMatch(h -> h.host().equals("*"))) {
      throw SandboxException.cannotSandbox(
          "the namespaces backend enforces allow-lists through its proxy, which has no form for "
              + network.allow()
              + " (any host on a port); list host names, addresses or blocks");
    }
    NetworkRules rules = NetworkRules.parse(network.rules(), network.deny());
    Set<Integer> services = new TreeSet<>();
    for (NetworkRule r : rules.allow()) {
      boolean loopback =
          r.kind() == NetworkRule.Kind.LOCALHOST
              || r.kind() == NetworkRule.Kind.ADDRESS && r.entry().startsWith("127.");
      if (loopback && r.entry().contains(":") && !r.ports().isEmpty()) {
        services.addAll(r.ports());
      }
    }
    int port = RunProxy.DEFAULT_PORT;
    while (services.contains(port) || network.publish().contains(port)) {
      port++;
    }
    RunProxy proxy =
        RunProxy.inPrivateDirectory(
            rules, proxyBases(), policy.filesystem().allWritableRoots(), port);
    spec.onCleanup(proxy::stop);
    spec.extension(RunProxy.class, () -> proxy);
    plan.addRelay(new LinuxLaunchPlan.Relay(port, proxy.socket(), Optional.empty()));
    for (int p : services) {
      plan.addRelay(new LinuxLaunchPlan.Relay(p, proxy.socket(), Optional.of("127.0.0.1:" + p)));
    }
  }

  /**
   * Published ports: the launcher listens on the host's 127.0.0.1:PORT and relays each connection
   * to 127.0.0.1:PORT inside. A port the allow-list already relays inside (the proxy's, or a host
   * service's) cannot also be published: the relay, not the command, would answer.
   */
  static void publish(List<Integer> ports, LinuxLaunchPlan plan) {
    for (int port : ports) {
      if (plan.relays().stream().anyMatch(r -> r.port() == port)) {
        throw SandboxException.invalid(
            "port "
                + port
                + " cannot be published: inside the sandbox it is the allowed host service"
                + " 127.0.0.1:"
                + port
                + " (or the proxy's port); publish another port");
      }
      plan.publish(port);
    }
  }

  /** Where the proxy's private directory may go: never inside a writable root (checked there). */
  private static List<Path> proxyBases() {
    List<Path> bases = new ArrayList<>();
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    if (runtime != null && runtime.startsWith("/")) {
      bases.add(Path.of(runtime));
    }
    bases.add(Path.of(System.getProperty("user.home"), ".cache", "sandbox4j"));
    bases.add(Path.of(System.getProperty("java.io.tmpdir")));
    return bases;
  }

  /** Pathname sockets bound in this network namespace: the last column of /proc/net/unix. */
  List<Path> hostSockets() {
    Set<Path> out = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(procNetUnix)) {
        String[] f = line.trim().split("\\s+", 8);
        if (f.length >= 8 && f[7].startsWith("/")) {
          out.add(Path.of(f[7]).normalize());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw SandboxException.cannotSandbox(
          "cannot list the host's unix sockets in " + procNetUnix + " to mask them: " + e, e);
    }
    return List.copyOf(out);
  }

  /**
   * The socket-family allow-list, assembled and encoded once (it is the same for every run; the
   * plan keeps its own copy), on first use rather than when the isolator is loaded.
   */
  private static final class SocketFamilyFilter {
    static final byte[] ENCODED = Bpf.encode(SeccompPrograms.socketFamilyAllowList());
  }
}
