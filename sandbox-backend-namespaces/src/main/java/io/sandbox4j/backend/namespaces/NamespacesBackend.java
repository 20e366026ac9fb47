package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/** Linux namespaces and resource limits, applied by the native launcher. */
final class NamespacesBackend implements SandboxBackend {
  private final List<Isolator> isolators;

  NamespacesBackend(LinuxHost host) {
    this.isolators =
        List.of(
            new NamespacesProcessIsolator(host),
            new NamespacesFilesystemIsolator(host),
            new NamespacesNetworkIsolator(host),
            new NamespacesResourceIsolator(host));
  }

  @Override
  public String id() {
    return "namespaces";
  }

  @Override
  public String description() {
    return "Linux user, pid, mount, network, ipc and uts namespaces; rlimits and a pids limit";
  }

  @Override
  public List<Isolator> isolators() {
    return isolators;
  }

  /**
   * First in automatic selection: under --net none a network namespace keeps TCP and UDP on
   * loopback working inside the sandbox (local test servers), where seccomp's network isolator must
   * deny every socket (unix and vsock sockets are refused here too, as they escape a network
   * namespace); masking keeps denied paths' parents listable, where Landlock cannot.
   */
  @Override
  public int priority() {
    return 30;
  }
}
