package io.sandbox4j.backend.seccomp;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.LinuxRequirements;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * An isolator of one feature that the native launcher enforces with a seccomp program: available
 * where the launcher runs and filters can be installed for {@code osArch}; when it owns its feature
 * it adds its program (built for that architecture's syscall table) to the run's plan. The two of
 * this backend differ only in data: {@link #process} and {@link #network}.
 */
final class SeccompIsolator extends AbstractIsolator {
  private static final String HARDENING =
      "new session (setsid) without TIOCSTI/TIOCLINUX; ptrace, process_vm_*, io_uring, bpf,"
          + " perf_event_open, keyrings, userfaultfd, mount, namespaces and kernel modules denied";
  private static final String NO_NETWORK =
      "socket(2) denied for every family, unix sockets included (stream socketpairs work,"
          + " datagram ones do not); connect(2), bind(2), addressed sendto(2), pidfd_getfd(2) and"
          + " io_uring denied";

  private final Feature feature;
  private final String enforces;
  private final Function<SyscallTable, List<Bpf.Insn>> program;
  private final LinuxHost host;
  private final String osArch;

  /** The program, assembled and encoded on first use: it depends on the architecture alone. */
  private volatile byte[] encoded;

  /**
   * @param enforces what it enforces, as the probe reports it when available
   * @param program the program it adds for an architecture's syscall table
   */
  private SeccompIsolator(
      String id,
      Feature feature,
      String enforces,
      Function<SyscallTable, List<Bpf.Insn>> program,
      LinuxHost host,
      String osArch) {
    super(id, feature.aspect(), Set.of(feature));
    this.feature = feature;
    this.enforces = enforces;
    this.program = program;
    this.host = host;
    this.osArch = osArch;
  }

  /**
   * Installs the hardening program ({@link SeccompPrograms#hardening}).
   *
   * <p>Declares only {@link Feature#PROC_NEW_SESSION}: PROC_NEW_SESSION is setsid (no controlling
   * terminal; the native launcher calls it before exec when the plan asks) plus the
   * TIOCSTI/TIOCLINUX denial of the hardening program, so no input reaches the caller's terminal
   * even through an inherited terminal descriptor. The program's other denials come with it: they
   * are what it is. It does not declare {@link Feature#PROC_ISOLATION} (ptrace and process_vm_* are
   * denied, but kill(2) to outside processes is not) nor {@link Feature#PROC_NO_PRIVILEGES}
   * (no_new_privs and dropping capabilities are the launcher's, not the filter's).
   */
  static SeccompIsolator process(LinuxHost host, String osArch) {
    String enforces = HARDENING + " (" + osArch + ")";
    return new SeccompIsolator(
        "process", Feature.PROC_NEW_SESSION, enforces, SeccompPrograms::hardening, host, osArch);
  }

  /**
   * No network at all ({@link Feature#NET_DENY_ALL}) by denying socket(2) for every family.
   *
   * <p>AF_UNIX is denied too: a filter cannot read the address of connect(2), so allowing unix
   * sockets would let the command reach abstract sockets and pathname sockets outside the workspace
   * (D-Bus, SSH_AUTH_SOCK, docker.sock). The price: programs that need a unix socket client or
   * server inside the sandbox fail under this isolator; stream and seqpacket socketpair(2) and
   * pipes still work. Datagram pairs (SOCK_DGRAM, and SOCK_RAW, which unix sockets turn into
   * datagrams) are refused, and so is sendto(2) with an address: a unix datagram socket sends to
   * any pathname socket it names. Where unix sockets matter, a namespace-based network isolator is
   * the better choice. No allow-list: a filter cannot tell destinations apart.
   */
  static SeccompIsolator network(LinuxHost host, String osArch) {
    return new SeccompIsolator(
        "network", Feature.NET_DENY_ALL, NO_NETWORK, SeccompPrograms::noNetwork, host, osArch);
  }

  @Override
  public Availability probe() {
    return Availability.allOf(
        LinuxRequirements.launcher(host),
        LinuxRequirements.seccomp(host, osArch),
        Availability.available(enforces));
  }

  @Override
  public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {
    LinuxRequirements.requireAvailable("seccomp", this);
    if (owned.contains(feature)) {
      LinuxLaunchPlan plan = spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
      plan.addSeccompFilter(encoded());
      if (feature == Feature.PROC_NEW_SESSION) {
        // the session half of the feature: setsid before exec
        plan.newSession();
      }
    }
  }

  /** The encoded program; the plan keeps its own copy, so one array serves every run. */
  private byte[] encoded() {
    byte[] e = encoded;
    if (e == null) {
      e = Bpf.encode(program.apply(SyscallTable.forArch(osArch).orElseThrow()));
      encoded = e;
    }
    return e;
  }
}
