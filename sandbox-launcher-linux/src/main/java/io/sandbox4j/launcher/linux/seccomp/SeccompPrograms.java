package io.sandbox4j.launcher.linux.seccomp;

import static io.sandbox4j.launcher.linux.seccomp.Bpf.EAFNOSUPPORT;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.ENOSYS;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.EPERM;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_ALLOW;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_ERRNO;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_KILL_PROCESS;
import static io.sandbox4j.launcher.linux.seccomp.BpfAssembler.NEXT;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * Every seccomp program a Linux isolator installs: the seccomp backend's hardening and no-network
 * programs (one architecture each) and the namespaces backend's socket-family allow-list (both
 * architectures in one program).
 *
 * <p>Every program first checks seccomp_data.arch ({@link #selectArchitecture}): a foreign
 * architecture (a 32-bit compat task, say) kills the process, and on x86-64 x32 system call numbers
 * (bit 30 set), which name the same calls under different numbers and would slip past the checks,
 * never reach them.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SeccompPrograms {
  private SeccompPrograms() {}

  /** A system call denied with EPERM, and why an agent never needs it. */
  record Denied(String syscall, String why) {}

  static final List<Denied> DENIED =
      List.of(
          new Denied("ptrace", "tracing or reading other processes"),
          new Denied("process_vm_readv", "reading another process's memory"),
          new Denied("process_vm_writev", "writing another process's memory"),
          new Denied("pidfd_getfd", "taking a descriptor (a socket, say) from another process"),
          new Denied("io_uring_setup", "io_uring bypasses seccomp (IORING_OP_SOCKET, OP_CONNECT)"),
          new Denied("io_uring_enter", "io_uring bypasses seccomp"),
          new Denied("io_uring_register", "io_uring bypasses seccomp"),
          new Denied("bpf", "kernel attack surface; loading programs"),
          new Denied("perf_event_open", "side channels, kernel attack surface"),
          new Denied("keyctl", "the kernel keyring is shared with the user's session"),
          new Denied("add_key", "the kernel keyring is shared with the user's session"),
          new Denied("request_key", "the kernel keyring is shared with the user's session"),
          new Denied("userfaultfd", "a staple of kernel exploits (stalling copy_from_user)"),
          new Denied("kexec_load", "loading a new kernel"),
          new Denied("kexec_file_load", "loading a new kernel"),
          new Denied("mount", "changing the filesystem view, escaping path rules"),
          new Denied("umount2", "uncovering masked paths"),
          new Denied("pivot_root", "changing the root"),
          new Denied("move_mount", "new mount API"),
          new Denied("open_tree", "new mount API: cloning mount trees"),
          new Denied("fsopen", "new mount API"),
          new Denied("fsconfig", "new mount API"),
          new Denied("fsmount", "new mount API"),
          new Denied("fspick", "new mount API"),
          new Denied("mount_setattr", "changing mount flags such as read-only"),
          new Denied("unshare", "new namespaces: user namespaces regain capabilities"),
          new Denied("setns", "entering other namespaces"),
          new Denied("acct", "process accounting is host-wide"),
          new Denied("swapon", "host-wide swap"),
          new Denied("swapoff", "host-wide swap"),
          new Denied("reboot", "host-wide"),
          new Denied("init_module", "loading kernel modules"),
          new Denied("finit_module", "loading kernel modules"),
          new Denied("delete_module", "unloading kernel modules"),
          new Denied("syslog", "reading the kernel log (addresses, other users' events)"),
          new Denied("open_by_handle_at", "opening files by handle bypasses path checks"),
          new Denied("quotactl", "host-wide quotas"),
          new Denied("vhangup", "hanging up terminals"),
          new Denied("uselib", "obsolete loader entry point (x86-64 only)"),
          new Denied("iopl", "raw I/O port access (x86-64 only)"),
          new Denied("ioperm", "raw I/O port access (x86-64 only)"));

  /**
   * CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
   * CLONE_NEWNET (linux/sched.h). clone(2) takes the low 32 bits of its flags.
   */
  static final int CLONE_NAMESPACE_FLAGS =
      0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

  /** Injects input into a terminal (CVE-2017-5226); asm-generic/ioctls.h. */
  static final int TIOCSTI = 0x5412;

  /** Console selection and keyboard tricks on virtual consoles. */
  static final int TIOCLINUX = 0x541C;

  /** personality(0xffffffff) only queries the current persona. */
  static final int PERSONALITY_QUERY = 0xffffffff;

  /**
   * ADDR_NO_RANDOMIZE | MMAP_PAGE_ZERO | READ_IMPLIES_EXEC (linux/personality.h): personas that
   * disable ASLR, map page zero, or make readable memory executable.
   */
  static final int PERSONALITY_WEAKENING = 0x0040000 | 0x0100000 | 0x0400000;

  /** S_ISUID | S_ISGID (linux/stat.h). */
  static final int SETID_BITS = 04000 | 02000;

  /** Calls that set a file's mode, and the index of the argument holding the mode. */
  record ModeArgument(int index, List<String> syscalls) {}

  /**
   * A setuid or setgid bit in the mode these calls set fails with EPERM: the command's files
   * outlive the run, and a setuid binary planted in the workspace (owned by the caller, root
   * included) would hand its owner's rights to whoever runs it on the host later. mkdir(2) is not
   * listed: setgid on a directory only passes its group on.
   */
  static final List<ModeArgument> MODE_ARGUMENTS =
      List.of(
          new ModeArgument(1, List.of("chmod", "fchmod", "creat", "mknod")),
          new ModeArgument(2, List.of("fchmodat", "fchmodat2", "open", "mknodat")),
          new ModeArgument(3, List.of("openat")));

  /**
   * The kernel surface an agent never needs: {@link #DENIED} fail with EPERM; clone with a
   * namespace flag fails with EPERM; clone3 fails with ENOSYS, because its flags sit in memory the
   * filter cannot read (libc then falls back to clone, whose flags it checks); TIOCSTI and
   * TIOCLINUX fail with EPERM; personality changes that weaken ASLR or W^X fail with EPERM; a
   * setuid or setgid bit in a file mode ({@link #MODE_ARGUMENTS}) fails with EPERM, and openat2
   * with ENOSYS.
   */
  public static List<Bpf.Insn> hardening(SyscallTable t) {
    BpfAssembler a = prologue(t);
    a.jumpIfEqual(t.require("clone"), "clone", NEXT);
    a.jumpIfEqual(t.require("clone3"), "enosys", NEXT);
    a.jumpIfEqual(t.require("ioctl"), "ioctl", NEXT);
    a.jumpIfEqual(t.require("personality"), "personality", NEXT);
    for (ModeArgument m : MODE_ARGUMENTS) {
      for (String syscall : m.syscalls()) {
        OptionalInt nr = t.number(syscall);
        if (nr.isPresent()) {
          a.jumpIfEqual(nr.getAsInt(), "mode" + m.index(), NEXT);
        }
      }
    }
    // openat2(2) passes its mode inside a struct the filter cannot read: ENOSYS, and libc and
    // programs fall back to openat(2).
    a.jumpIfEqual(t.require("openat2"), "enosys", NEXT);
    for (Denied d : DENIED) {
      OptionalInt nr = t.number(d.syscall());
      if (nr.isPresent()) {
        a.jumpIfEqual(nr.getAsInt(), "eperm", NEXT);
      }
    }
    a.ret(SECCOMP_RET_ALLOW);

    a.label("clone").loadWord(Bpf.argLow(0));
    a.jumpIfAnyBit(CLONE_NAMESPACE_FLAGS, "eperm", "allow");

    a.label("ioctl").loadWord(Bpf.argLow(1));
    a.jumpIfEqual(TIOCSTI, "eperm", NEXT);
    a.jumpIfEqual(TIOCLINUX, "eperm", "allow");

    a.label("personality").loadWord(Bpf.argLow(0));
    a.jumpIfEqual(PERSONALITY_QUERY, "allow", NEXT);
    a.jumpIfAnyBit(PERSONALITY_WEAKENING, "eperm", "allow");

    for (ModeArgument m : MODE_ARGUMENTS) {
      a.label("mode" + m.index()).loadWord(Bpf.argLow(m.index()));
      a.jumpIfAnyBit(SETID_BITS, "eperm", "allow");
    }

    return epilogue(a);
  }

  /**
   * The calls the no-network program refuses outright: socket(2) for every family; connect(2) and
   * bind(2), for sockets inherited from the caller; io_uring (IORING_OP_SOCKET and OP_CONNECT would
   * bypass the filter); pidfd_getfd(2), which copies a descriptor, a socket among them, out of
   * another process of the same user (this backend gives the command no pid namespace).
   */
  static final List<String> NO_NETWORK_DENIED =
      List.of(
          "socket",
          "connect",
          "bind",
          "io_uring_setup",
          "io_uring_enter",
          "io_uring_register",
          "pidfd_getfd");

  /**
   * No network: {@link #NO_NETWORK_DENIED} fail with EPERM, for every address family (AF_UNIX
   * included, so neither abstract nor pathname unix sockets outside the sandbox can be reached),
   * and so this program is complete on its own.
   *
   * <p>socketpair(2) is allowed for connected unix pairs only ({@link #unixStreamPairsOnly}): no
   * unix datagram socket can exist in the sandbox, so sendmsg(2) and sendmmsg(2), whose address
   * sits in memory the filter cannot read, have nothing to address. sendto(2) with a destination
   * address (a non-NULL pointer) fails with EPERM as well: no socket the command can make takes
   * one, and it keeps a datagram socket the caller passed as a standard stream from addressing
   * anything through sendto.
   */
  public static List<Bpf.Insn> noNetwork(SyscallTable t) {
    BpfAssembler a = prologue(t);
    for (String s : NO_NETWORK_DENIED) {
      a.jumpIfEqual(t.require(s), "eperm", NEXT);
    }
    a.jumpIfEqual(t.require("socketpair"), "socketpair", NEXT);
    a.jumpIfEqual(t.require("sendto"), "sendto", "allow");
    unixStreamPairsOnly(a, "socketpair", "eperm");
    // dest_addr is a pointer: all 64 bits count.
    a.label("sendto").loadWord(Bpf.argLow(SENDTO_DEST_ADDR));
    a.jumpIfEqual(0, NEXT, "eperm");
    a.loadWord(Bpf.argHigh(SENDTO_DEST_ADDR));
    a.jumpIfEqual(0, "allow", "eperm");
    return epilogue(a);
  }

  /** sendto(fd, buf, len, flags, dest_addr, addrlen): the index of dest_addr. */
  static final int SENDTO_DEST_ADDR = 4;

  /** AF_* families (linux/socket.h). */
  static final int AF_UNIX = 1;

  /** The families a network namespace confines: the only ones socket(2) gets under namespaces. */
  static final int AF_INET = 2;

  static final int AF_INET6 = 10;
  static final int AF_NETLINK = 16;

  /** SOCK_* types (linux/net.h). */
  static final int SOCK_STREAM = 1;

  static final int SOCK_DGRAM = 2;
  static final int SOCK_RAW = 3;
  static final int SOCK_SEQPACKET = 5;

  /**
   * The type without SOCK_NONBLOCK and SOCK_CLOEXEC, which share its argument (SOCK_TYPE_MASK in
   * linux/net.h): the kernel masks the same way, and refuses any other bit above it with EINVAL.
   */
  static final int SOCK_TYPE_MASK = 0xf;

  /**
   * The socket types allowed for the confined families: SOCK_PACKET (10) is not among them, because
   * socket(AF_INET, SOCK_PACKET) is silently a packet socket (AF_PACKET), which a family check
   * would take for AF_INET.
   */
  static final List<Integer> CONFINED_SOCKET_TYPES =
      List.of(SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET);

  /**
   * The unix socketpair types allowed: connected pairs. SOCK_DGRAM is not, nor SOCK_RAW, which unix
   * sockets silently turn into SOCK_DGRAM: a datagram socket, even one of a pair, sends to any
   * pathname socket named in sendto(2), sendmsg(2) or sendmmsg(2).
   */
  static final List<Integer> UNIX_PAIR_TYPES = List.of(SOCK_STREAM, SOCK_SEQPACKET);

  /** The architectures {@link #socketFamilyAllowList} covers, in the order it checks them. */
  static final List<SyscallTable> SOCKET_FILTER_ARCHITECTURES =
      List.of(SyscallTable.X86_64, SyscallTable.AARCH64);

  /**
   * The socket families a network namespace does not confine, refused (the namespaces backend's
   * NET_DENY_ALL), with EAFNOSUPPORT:
   *
   * <ul>
   *   <li>socket(2) is allowed for AF_INET, AF_INET6 and AF_NETLINK only, which the network
   *       namespace confines, and for the types in {@link #CONFINED_SOCKET_TYPES} (flags masked);
   *       every other family is refused, so families a namespace does not confine (AF_VSOCK,
   *       Bluetooth, ...) cannot be overlooked. In particular socket(AF_UNIX) and socket(AF_VSOCK)
   *       fail: pathname unix sockets are files, reachable from any network namespace (including
   *       ones bound after launch or with a relative path, which no snapshot of /proc/net/unix can
   *       mask), and AF_VSOCK ignores network namespaces. Only the low 32 bits of the family and
   *       type are compared, as the kernel reads ints: {@code (1L << 32) | AF_UNIX} is refused too.
   *   <li>socketpair(2) is allowed for connected unix pairs only ({@link #unixStreamPairsOnly}). So
   *       no unix datagram socket can exist in the sandbox, and sendto(2), sendmsg(2) and
   *       sendmmsg(2) stay allowed (UDP on the namespace's loopback needs them): the filter cannot
   *       tell a unix socket from a UDP one by its descriptor, nor read sendmsg's address.
   *   <li>io_uring_setup fails with ENOSYS: IORING_OP_SOCKET creates sockets without socket(2).
   *   <li>One program for x86-64 and aarch64: any other seccomp_data.arch, and x32 system call
   *       numbers, kill the process.
   * </ul>
   *
   * Everything else is allowed: TCP and UDP on the namespace's own loopback keep working.
   */
  public static List<Bpf.Insn> socketFamilyAllowList() {
    BpfAssembler a = new BpfAssembler();
    a.loadWord(Bpf.OFFSET_ARCH);
    for (int i = 0; i < SOCKET_FILTER_ARCHITECTURES.size(); i++) {
      SyscallTable t = SOCKET_FILTER_ARCHITECTURES.get(i);
      if (i > 0) {
        a.label(t.name());
      }
      String foreign =
          i + 1 < SOCKET_FILTER_ARCHITECTURES.size()
              ? SOCKET_FILTER_ARCHITECTURES.get(i + 1).name()
              : "kill";
      selectArchitecture(a, t, foreign, "kill");
      a.jumpIfEqual(t.require("socket"), "socket", NEXT);
      a.jumpIfEqual(t.require("socketpair"), "socketpair", NEXT);
      a.jumpIfEqual(t.require("io_uring_setup"), "enosys", "allow");
    }
    a.label("socket").loadWord(Bpf.argLow(0));
    a.jumpIfEqual(AF_INET, "type", NEXT);
    a.jumpIfEqual(AF_INET6, "type", NEXT);
    a.jumpIfEqual(AF_NETLINK, "type", "eafnosupport");
    a.label("type").loadWord(Bpf.argLow(1)).and(SOCK_TYPE_MASK);
    jumpIfOneOf(a, CONFINED_SOCKET_TYPES, "allow", "eafnosupport");
    unixStreamPairsOnly(a, "socketpair", "eafnosupport");
    a.label("allow").ret(SECCOMP_RET_ALLOW);
    a.label("eafnosupport").ret(SECCOMP_RET_ERRNO | EAFNOSUPPORT);
    a.label("enosys").ret(SECCOMP_RET_ERRNO | ENOSYS);
    a.label("kill").ret(SECCOMP_RET_KILL_PROCESS);
    return a.assemble();
  }

  /**
   * At {@code label}, with socketpair(2)'s arguments: allowed (to "allow") for AF_UNIX with a type
   * in {@link #UNIX_PAIR_TYPES} once SOCK_NONBLOCK and SOCK_CLOEXEC are masked off; anything else
   * goes to {@code refuse}. Only AF_UNIX is allowed because no other family needs a pair.
   */
  private static void unixStreamPairsOnly(BpfAssembler a, String label, String refuse) {
    a.label(label).loadWord(Bpf.argLow(0));
    a.jumpIfEqual(AF_UNIX, NEXT, refuse);
    a.loadWord(Bpf.argLow(1)).and(SOCK_TYPE_MASK);
    jumpIfOneOf(a, UNIX_PAIR_TYPES, "allow", refuse);
  }

  /** To {@code ifIn} when A is one of {@code values}, else to {@code ifNot}. */
  private static void jumpIfOneOf(BpfAssembler a, List<Integer> values, String ifIn, String ifNot) {
    for (int i = 0; i < values.size(); i++) {
      a.jumpIfEqual(values.get(i), ifIn, i + 1 < values.size() ? NEXT : ifNot);
    }
  }

  /**
   * The architecture check every program makes, with A = seccomp_data.arch: on {@code t}'s
   * architecture it goes on with A = the system call number, sending x32 numbers to {@code x32};
   * any other architecture jumps to {@code foreign}.
   */
  private static void selectArchitecture(
      BpfAssembler a, SyscallTable t, String foreign, String x32) {
    a.jumpIfEqual(t.auditArch(), NEXT, foreign);
    a.loadWord(Bpf.OFFSET_NR);
    if (t.x32Bit() != 0) {
      a.jumpIfAtLeast(t.x32Bit(), x32, NEXT);
    }
  }

  private static BpfAssembler prologue(SyscallTable t) {
    BpfAssembler a = new BpfAssembler();
    a.loadWord(Bpf.OFFSET_ARCH);
    selectArchitecture(a, t, "kill", "enosys");
    return a;
  }

  private static List<Bpf.Insn> epilogue(BpfAssembler a) {
    a.label("allow").ret(SECCOMP_RET_ALLOW);
    a.label("eperm").ret(SECCOMP_RET_ERRNO | EPERM);
    a.label("enosys").ret(SECCOMP_RET_ERRNO | ENOSYS);
    a.label("kill").ret(SECCOMP_RET_KILL_PROCESS);
    return a.assemble();
  }
}
