package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.List;

/**
 * Linux namespaces and resource limits, applied by the native launcher.
 *
 * <p>Priority 30, first in automatic selection: under --net none a network namespace keeps TCP and
 * UDP on loopback working inside the sandbox (local test servers), where seccomp's network isolator
 * must deny every socket (unix and vsock sockets are refused here too, as they escape a network
 * namespace); masking keeps denied paths' parents listable, where Landlock cannot.
 */
final class NamespacesBackend extends AbstractBackend {

  NamespacesBackend(LinuxHost host) {
    super(
        "namespaces",
        "Linux user, pid, mount, network, ipc and uts namespaces; rlimits and a pids limit",
        30,
        List.of(
            new NamespacesProcessIsolator(host),
            new NamespacesFilesystemIsolator(host),
            new NamespacesNetworkIsolator(host),
            new NamespacesResourceIsolator(host)));
  }
}
