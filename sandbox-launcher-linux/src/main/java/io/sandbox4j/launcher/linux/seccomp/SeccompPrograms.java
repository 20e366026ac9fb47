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
import java.util.Map;
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

  /**
   * Calls that set a file's mode, by the index of their mode argument. A setuid or setgid bit in it
   * fails with EPERM: the command's files outlive the run, and a setuid binary planted in the
   * workspace (owned by the caller, root included) would hand its owner's rights to whoever runs it
   * on the host later. mkdir(2) is not listed: setgid on a directory only passes its group on.
   */
  static final List<Map.Entry<String, Integer>> MODE_ARGUMENT =
      List.of(
          Map.entry("chmod", 1),
          Map.entry("fchmod", 1),
          Map.entry("fchmodat", 2),
          Map.entry("fchmodat2", 2),
          Map.entry("creat", 1),
          Map.entry("open", 2),
          Map.entry("openat", 3),
          Map.entry("mknod", 1),
          Map.entry("mknodat", 2));

  /**
   * The kernel surface an agent never needs: {@link #DENIED} fail with EPERM; clone with a
   * namespace flag fails with EPERM; clone3 fails with ENOSYS, because its flags sit in memory the
   * filter cannot read (libc then falls back to clone, whose flags it checks); TIOCSTI and
   * TIOCLINUX fail with EPERM; personality changes that weaken ASLR or W^X fail with EPERM; a
   * setuid or setgid bit in a file mode ({@link #MODE_ARGUMENT}) fails with EPERM, and openat2 with
   * ENOSYS.
   */
  public static List<Bpf.Insn> hardening(SyscallTable t) {
    BpfAssembler a = prologue(t);
    a.jumpIfEqual(t.require("clone"), "clone", NEXT);
    a.jumpIfEqual(t.require("clone3"), "enosys", NEXT);
    a.jumpIfEqual(t.require("ioctl"), "ioctl", NEXT);
    a.jumpIfEqual(t.require("personality"), "personality", NEXT);
    for (Map.Entry<String, Integer> m : MODE_ARGUMENT) {
      OptionalInt nr = t.number(m.getKey());
      if (nr.isPresent()) {
        a.jumpIfEqual(nr.getAsInt(), "mode" + m.getValue(), NEXT);
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

    for (int arg = 1; arg <= 3; arg++) {
      a.label("mode" + arg).loadWord(Bpf.argLow(arg));
      a.jumpIfAnyBit(SETID_BITS, "eperm", "allow");
    }

    return epilogue(a);
  }

  /**
   * No network: socket(2) fails with EPERM for every address family (AF_UNIX included, so neither
   * abstract nor pathname unix sockets outside the sandbox can be reached; socketpair(2) still
   * works), and connect(2) and bind(2) fail too, for sockets inherited from the caller. io_uring is
   * denied here as well (IORING_OP_SOCKET would create sockets without socket(2)), so this program
   * is complete on its own.
   */
  public static List<Bpf.Insn> noNetwork(SyscallTable t) {
    BpfAssembler a = prologue(t);
    for (String s :
        List.of(
            "socket", "connect", "bind", "io_uring_setup", "io_uring_enter", "io_uring_register")) {
      a.jumpIfEqual(t.require(s), "eperm", NEXT);
    }
    a.ret(SECCOMP_RET_ALLOW);
    return epilogue(a);
  }

  /** AF_* families (linux/socket.h) that a network namespace confines. */
  static final int AF_INET = 2;

  static final int AF_INET6 = 10;
  static final int AF_NETLINK = 16;

  static final int SOCK_DGRAM = 2;

  /** A socket type without SOCK_NONBLOCK and SOCK_CLOEXEC, which share its argument. */
  static final int SOCK_TYPE_MASK = 0xf;

  /** The architectures {@link #socketFamilyAllowList} covers, in the order it checks them. */
  static final List<SyscallTable> SOCKET_FILTER_ARCHITECTURES =
      List.of(SyscallTable.X86_64, SyscallTable.AARCH64);

  /**
   * The socket families a network namespace does not confine, refused (the namespaces backend's
   * NET_DENY_ALL):
   *
   * <ul>
   *   <li>socket(2) is allowed for AF_INET, AF_INET6 and AF_NETLINK only, which the network
   *       namespace confines; every other family fails with EAFNOSUPPORT, so families a namespace
   *       does not confine (AF_VSOCK, Bluetooth, ...) cannot be overlooked. In particular
   *       socket(AF_UNIX) and socket(AF_VSOCK) fail: pathname unix sockets are files, reachable
   *       from any network namespace (including ones bound after launch or with a relative path,
   *       which no snapshot of /proc/net/unix can mask), and AF_VSOCK ignores network namespaces.
   *       Only the low 32 bits of the family are compared, as the kernel reads an int: {@code (1L
   *       << 32) | AF_UNIX} is refused too.
   *   <li>socketpair(2) stays allowed for stream and seqpacket sockets (connected pairs: pipes
   *       between the command's processes); a datagram pair is refused, because an unconnected
   *       datagram unix socket can sendto() any pathname socket.
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
    a.jumpIfEqual(AF_INET, "allow", NEXT);
    a.jumpIfEqual(AF_INET6, "allow", NEXT);
    a.jumpIfEqual(AF_NETLINK, "allow", "eafnosupport");
    a.label("socketpair").loadWord(Bpf.argLow(1)).and(SOCK_TYPE_MASK);
    a.jumpIfEqual(SOCK_DGRAM, "eafnosupport", "allow");
    a.label("allow").ret(SECCOMP_RET_ALLOW);
    a.label("eafnosupport").ret(SECCOMP_RET_ERRNO | EAFNOSUPPORT);
    a.label("enosys").ret(SECCOMP_RET_ERRNO | ENOSYS);
    a.label("kill").ret(SECCOMP_RET_KILL_PROCESS);
    return a.assemble();
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
