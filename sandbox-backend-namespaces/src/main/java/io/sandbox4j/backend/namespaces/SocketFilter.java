package io.sandbox4j.backend.namespaces;

/**
 * The seccomp program the network isolator adds under NET_DENY_ALL: socket families that a network
 * namespace does not confine are refused.
 *
 * <ul>
 *   <li>socket(2) is allowed for AF_INET, AF_INET6 and AF_NETLINK only, which the network namespace
 *       confines; every other family fails with EAFNOSUPPORT: families a namespace does not confine
 *       (AF_VSOCK, Bluetooth, ...) cannot be overlooked. In particular socket(AF_UNIX) and
 *       socket(AF_VSOCK) fail. Pathname unix sockets are files, reachable from any network
 *       namespace (including ones bound after launch or with a relative path, which no snapshot of
 *       /proc/net/unix can mask); AF_VSOCK ignores network namespaces and reaches the hypervisor's
 *       host. Only the low 32 bits of the family are compared, as the kernel reads an int: {@code
 *       (1L << 32) | AF_UNIX} is refused too.
 *   <li>socketpair(2) stays allowed for stream and seqpacket sockets (connected pairs: pipes
 *       between the command's processes); a datagram pair is refused, because an unconnected
 *       datagram unix socket can sendto() any pathname socket.
 *   <li>io_uring_setup fails with ENOSYS: IORING_OP_SOCKET creates sockets without socket(2).
 *   <li>x86-64 and aarch64 only: any other seccomp_data.arch, and x32 system call numbers, kill the
 *       process (the isolator is unavailable on other architectures, so this is never planned).
 * </ul>
 *
 * Everything else is allowed: TCP and UDP on the namespace's own loopback keep working.
 */
final class SocketFilter {
  static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
  static final int X32_SYSCALL_BIT = 0x40000000;
  static final int SOCKET_X86_64 = 41;
  static final int SOCKETPAIR_X86_64 = 53;
  static final int SOCKET_AARCH64 = 198;
  static final int SOCKETPAIR_AARCH64 = 199;
  static final int IO_URING_SETUP = 425; // same number on every architecture

  static final int AF_UNIX = 1;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int AF_NETLINK = 16;
  static final int AF_VSOCK = 40;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_TYPE_MASK = 0xf; // without SOCK_NONBLOCK and SOCK_CLOEXEC

  static final int EAFNOSUPPORT = 97;
  static final int ENOSYS = 38;

  static final int RET_KILL_PROCESS = 0x80000000;
  static final int RET_ERRNO = 0x00050000;
  static final int RET_ALLOW = 0x7fff0000;

  // struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian)
  static final int OFF_NR = 0;
  static final int OFF_ARCH = 4;
  static final int OFF_ARG0_LO = 16;
  static final int OFF_ARG1_LO = 24;

  private SocketFilter() {}

  /** Whether the program covers this JVM's architecture ({@code os.arch}). */
  static boolean supports(String osArch) {
    return osArch.equals("amd64") || osArch.equals("x86_64") || osArch.equals("aarch64");
  }

  static byte[] program() {
    return new Bpf()
        .load(OFF_ARCH)
        .jeq(AUDIT_ARCH_X86_64, null, "aarch64")
        .load(OFF_NR)
        .jge(X32_SYSCALL_BIT, "kill", null)
        .jeq(SOCKET_X86_64, "socket", null)
        .jeq(SOCKETPAIR_X86_64, "socketpair", null)
        .jeq(IO_URING_SETUP, "enosys", "allow")
        .label("aarch64")
        .jeq(AUDIT_ARCH_AARCH64, null, "kill")
        .load(OFF_NR)
        .jeq(SOCKET_AARCH64, "socket", null)
        .jeq(SOCKETPAIR_AARCH64, "socketpair", null)
        .jeq(IO_URING_SETUP, "enosys", "allow")
        .label("socket")
        .load(OFF_ARG0_LO)
        .jeq(AF_INET, "allow", null)
        .jeq(AF_INET6, "allow", null)
        .jeq(AF_NETLINK, "allow", "eafnosupport")
        .label("socketpair")
        .load(OFF_ARG1_LO)
        .and(SOCK_TYPE_MASK)
        .jeq(SOCK_DGRAM, "eafnosupport", "allow")
        .label("allow")
        .ret(RET_ALLOW)
        .label("eafnosupport")
        .ret(RET_ERRNO | EAFNOSUPPORT)
        .label("enosys")
        .ret(RET_ERRNO | ENOSYS)
        .label("kill")
        .ret(RET_KILL_PROCESS)
        .assemble();
  }
}
