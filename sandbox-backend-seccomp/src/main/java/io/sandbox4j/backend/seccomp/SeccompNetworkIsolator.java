package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import java.util.Set;

/**
 * No network at all ({@link Feature#NET_DENY_ALL}) by denying socket(2) for every family.
 *
 * <p>AF_UNIX is denied too: a filter cannot read the address of connect(2), so allowing unix
 * sockets would let the command reach abstract sockets and pathname sockets outside the workspace
 * (D-Bus, SSH_AUTH_SOCK, docker.sock). The price: programs that need a unix socket client or server
 * inside the sandbox fail under this isolator; socketpair(2) and pipes still work. Where that
 * matters, a namespace-based network isolator is the better choice. No allow-list: a filter cannot
 * tell destinations apart.
 */
final class SeccompNetworkIsolator implements Isolator {
  private final SeccompHost host;

  SeccompNetworkIsolator(SeccompHost host) {
    this.host = host;
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
    Availability missing = host.probe();
    if (missing != null) {
      return missing;
    }
    return Availability.available(
        "socket(2) denied for every family, unix sockets included (socketpair(2) works);"
            + " connect(2), bind(2) and io_uring denied");
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    if (policy.network().mode() != NetworkMode.NONE) {
      return;
    }
    Availability a = probe();
    if (!a.available()) {
      throw SandboxException.cannotSandbox("seccomp network isolator: " + a.detail());
    }
    SeccompHost.addOnce(spec, Bpf.encode(SeccompPrograms.noNetwork(host.table())));
  }
}
