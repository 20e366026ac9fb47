package io.sandbox4j.launcher.linux.seccomp;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.apiguardian.api.API;

/**
 * System call numbers of one architecture. Numbers checked against Debian 12's kernel headers
 * (linux-libc-dev 6.1): /usr/include/x86_64-linux-gnu/asm/unistd_64.h for x86-64 and
 * /usr/include/asm-generic/unistd.h (which aarch64 uses) for aarch64.
 *
 * @param name the architecture as the JVM's os.arch names it
 * @param auditArch AUDIT_ARCH_* from linux/audit.h: what seccomp_data.arch holds
 * @param x32Bit non-zero on x86-64: syscall numbers with __X32_SYSCALL_BIT are the x32 ABI
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SyscallTable(String name, int auditArch, int x32Bit, Map<String, Integer> numbers) {

  /** EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
  public static final int AUDIT_ARCH_X86_64 = 0xC000003E;

  /** EM_AARCH64 (183) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
  public static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;

  /**
   * Calls added since Linux 5.1 have one number on every architecture (the unified numbering from
   * 424 up, asm-generic/unistd.h). fchmodat2 (Linux 6.6) is newer than the headers named above.
   */
  private static final Map<String, Integer> UNIFIED =
      Map.ofEntries(
          Map.entry("io_uring_setup", 425),
          Map.entry("io_uring_enter", 426),
          Map.entry("io_uring_register", 427),
          Map.entry("open_tree", 428),
          Map.entry("move_mount", 429),
          Map.entry("fsopen", 430),
          Map.entry("fsconfig", 431),
          Map.entry("fsmount", 432),
          Map.entry("fspick", 433),
          Map.entry("clone3", 435),
          Map.entry("openat2", 437),
          Map.entry("pidfd_getfd", 438),
          Map.entry("mount_setattr", 442),
          Map.entry("fchmodat2", 452));

  public static final SyscallTable X86_64 =
      withUnified(
          "amd64",
          AUDIT_ARCH_X86_64,
          0x40000000,
          Map.ofEntries(
              Map.entry("open", 2),
              Map.entry("ioctl", 16),
              Map.entry("socket", 41),
              Map.entry("connect", 42),
              Map.entry("sendto", 44),
              Map.entry("bind", 49),
              Map.entry("socketpair", 53),
              Map.entry("clone", 56),
              Map.entry("creat", 85),
              Map.entry("chmod", 90),
              Map.entry("fchmod", 91),
              Map.entry("ptrace", 101),
              Map.entry("syslog", 103),
              Map.entry("mknod", 133),
              Map.entry("uselib", 134),
              Map.entry("personality", 135),
              Map.entry("vhangup", 153),
              Map.entry("pivot_root", 155),
              Map.entry("acct", 163),
              Map.entry("mount", 165),
              Map.entry("umount2", 166),
              Map.entry("swapon", 167),
              Map.entry("swapoff", 168),
              Map.entry("reboot", 169),
              Map.entry("iopl", 172),
              Map.entry("ioperm", 173),
              Map.entry("init_module", 175),
              Map.entry("delete_module", 176),
              Map.entry("quotactl", 179),
              Map.entry("kexec_load", 246),
              Map.entry("add_key", 248),
              Map.entry("request_key", 249),
              Map.entry("keyctl", 250),
              Map.entry("openat", 257),
              Map.entry("mknodat", 259),
              Map.entry("fchmodat", 268),
              Map.entry("unshare", 272),
              Map.entry("perf_event_open", 298),
              Map.entry("open_by_handle_at", 304),
              Map.entry("setns", 308),
              Map.entry("process_vm_readv", 310),
              Map.entry("process_vm_writev", 311),
              Map.entry("finit_module", 313),
              Map.entry("kexec_file_load", 320),
              Map.entry("bpf", 321),
              Map.entry("userfaultfd", 323)));

  public static final SyscallTable AARCH64 =
      withUnified(
          "aarch64",
          AUDIT_ARCH_AARCH64,
          0,
          Map.ofEntries(
              Map.entry("ioctl", 29),
              Map.entry("mknodat", 33),
              Map.entry("umount2", 39),
              Map.entry("mount", 40),
              Map.entry("pivot_root", 41),
              Map.entry("fchmod", 52),
              Map.entry("fchmodat", 53),
              Map.entry("openat", 56),
              Map.entry("vhangup", 58),
              Map.entry("quotactl", 60),
              Map.entry("acct", 89),
              Map.entry("personality", 92),
              Map.entry("unshare", 97),
              Map.entry("kexec_load", 104),
              Map.entry("init_module", 105),
              Map.entry("delete_module", 106),
              Map.entry("syslog", 116),
              Map.entry("ptrace", 117),
              Map.entry("reboot", 142),
              Map.entry("socket", 198),
              Map.entry("socketpair", 199),
              Map.entry("bind", 200),
              Map.entry("connect", 203),
              Map.entry("sendto", 206),
              Map.entry("add_key", 217),
              Map.entry("request_key", 218),
              Map.entry("keyctl", 219),
              Map.entry("clone", 220),
              Map.entry("swapon", 224),
              Map.entry("swapoff", 225),
              Map.entry("perf_event_open", 241),
              Map.entry("open_by_handle_at", 265),
              Map.entry("setns", 268),
              Map.entry("process_vm_readv", 270),
              Map.entry("process_vm_writev", 271),
              Map.entry("finit_module", 273),
              Map.entry("bpf", 280),
              Map.entry("userfaultfd", 282),
              Map.entry("kexec_file_load", 294)));

  private static SyscallTable withUnified(
      String name, int auditArch, int x32Bit, Map<String, Integer> own) {
    Map<String, Integer> all = new HashMap<>(own);
    UNIFIED.forEach(
        (syscall, nr) -> {
          if (all.putIfAbsent(syscall, nr) != null) {
            throw new IllegalStateException(syscall + " is in the unified numbering");
          }
        });
    return new SyscallTable(name, auditArch, x32Bit, Map.copyOf(all));
  }

  /**
   * The table for a JVM os.arch value, if this code has one: the one place that says which
   * architectures sandbox4j's seccomp programs cover.
   */
  public static Optional<SyscallTable> forArch(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> Optional.of(X86_64);
      case "aarch64", "arm64" -> Optional.of(AARCH64);
      default -> Optional.empty();
    };
  }

  /** The number of a system call on this architecture, if it exists there. */
  public OptionalInt number(String syscall) {
    Integer n = numbers.get(syscall);
    return n == null ? OptionalInt.empty() : OptionalInt.of(n);
  }

  /** The number of a system call this table must have. */
  public int require(String syscall) {
    Integer n = numbers.get(syscall);
    if (n == null) {
      throw new IllegalStateException(syscall + " has no number on " + name);
    }
    return n;
  }
}
