package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A network namespace with only loopback (up): no IPv4, IPv6 or UDP route out, host loopback
 * services and abstract unix sockets unreachable. Pathname unix sockets are files, reachable
 * through the filesystem from any network namespace, so every pathname socket bound in the caller's
 * network namespace at launch (as /proc/net/unix lists them) outside the writable roots is masked,
 * and so is $SSH_AUTH_SOCK.
 *
 * <p>Not covered: pathname sockets created after launch, or bound in another network namespace
 * (e.g. a container's) whose socket file is visible here; with the default private /tmp those under
 * /tmp are hidden anyway.
 */
final class NetworkIsolator implements Isolator {
  private final LinuxHost host;
  private final Path procNetUnix;

  NetworkIsolator(LinuxHost host) {
    this(host, Path.of("/proc/net/unix"));
  }

  NetworkIsolator(LinuxHost host, Path procNetUnix) {
    this.host = host;
    this.procNetUnix = procNetUnix;
  }

  @Override
  public String id() {
    return "network";
  }

  @Override
  public Aspect aspect() {
    return Aspect.NETWORK;
  }

  @Override
  public Set<Feature> features() {
    return Set.of(Feature.NET_DENY_ALL);
  }

  @Override
  public Availability probe() {
    Availability a = Namespaces.probe(host);
    return a.available()
        ? Availability.available(
            "network namespace with loopback only; host pathname unix sockets masked")
        : a;
  }

  @Override
  public void contribute(SandboxPolicy policy, LaunchSpec spec) {
    if (!policy.requiredFeatures().contains(Feature.NET_DENY_ALL)) {
      return;
    }
    LinuxLaunchPlan plan = Namespaces.plan(spec);
    Namespaces.userAndMount(plan);
    plan.addNamespaces(Namespace.NET);
    plan.loopbackUp();
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
      throw io.sandbox4j.api.SandboxException.cannotSandbox(
          "cannot list the host's unix sockets in " + procNetUnix + " to mask them: " + e, e);
    }
    return List.copyOf(out);
  }
}
