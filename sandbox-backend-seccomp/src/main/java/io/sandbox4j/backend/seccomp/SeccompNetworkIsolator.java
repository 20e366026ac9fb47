package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;

/**
 * No network at all ({@link Feature#NET_DENY_ALL}) by denying socket(2) for every family.
 *
 * <p>AF_UNIX is denied too: a filter cannot read the address of connect(2), so allowing unix
 * sockets would let the command reach abstract sockets and pathname sockets outside the workspace
 * (D-Bus, SSH_AUTH_SOCK, docker.sock). The price: programs that need a unix socket client or server
 * inside the sandbox fail under this isolator; stream and seqpacket socketpair(2) and pipes still
 * work. Datagram pairs (SOCK_DGRAM, and SOCK_RAW, which unix sockets turn into datagrams) are
 * refused, and so is sendto(2) with an address: a unix datagram socket sends to any pathname socket
 * it names. Where unix sockets matter, a namespace-based network isolator is the better choice. No
 * allow-list: a filter cannot tell destinations apart.
 */
final class SeccompNetworkIsolator extends SeccompIsolator {

  SeccompNetworkIsolator(LinuxHost host, String osArch) {
    super("network", Aspect.NETWORK, Feature.NET_DENY_ALL, host, osArch);
  }

  @Override
  String enforces() {
    return "socket(2) denied for every family, unix sockets included (stream socketpairs work,"
        + " datagram ones do not); connect(2), bind(2), addressed sendto(2), pidfd_getfd(2) and"
        + " io_uring denied";
  }

  @Override
  void install(LinuxLaunchPlan plan, SyscallTable table) {
    plan.addSeccompFilter(Bpf.encode(SeccompPrograms.noNetwork(table)));
  }
}
