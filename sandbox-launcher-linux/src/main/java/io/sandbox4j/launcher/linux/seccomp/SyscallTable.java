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
   * The numbers, one call a row: name, x86-64, aarch64 ({@code -} where the architecture has no
   * such call). Calls added since Linux 5.1 (the last rows) have one number on every architecture:
   * the unified numbering from 424 up, asm-generic/unistd.h. fchmodat2 (Linux 6.6) is newer than
   * the headers named above.
   */
  private static final String NUMBERS =
      """
      call               x86-64 aarch64
      open               2      -
      ioctl              16     29
      socket             41     198
      connect            42     203
      sendto             44     206
      bind               49     200
      socketpair         53     199
      clone              56     220
      creat              85     -
      chmod              90     -
      fchmod             91     52
      ptrace             101    117
      syslog             103    116
      mknod              133    -
      uselib             134    -
      personality        135    92
      vhangup            153    58
      pivot_root         155    41
      acct               163    89
      mount              165    40
      umount2            166    39
      swapon             167    224
      swapoff            168    225
      reboot             169    142
      iopl               172    -
      ioperm             173    -
      init_module        175    105
      delete_module      176    106
      quotactl           179    60
      kexec_load         246    104
      add_key            248    217
      request_key        249    218
      keyctl             250    219
      openat             257    56
      mknodat            259    33
      fchmodat           268    53
      unshare            272    97
      perf_event_open    298    241
      open_by_handle_at  304    265
      setns              308    268
      process_vm_readv   310    270
      process_vm_writev  311    271
      finit_module       313    273
      kexec_file_load    320    294
      bpf                321    280
      userfaultfd        323    282
      io_uring_setup     425    425
      io_uring_enter     426    426
      io_uring_register  427    427
      open_tree          428    428
      move_mount         429    429
      fsopen             430    430
      fsconfig           431    431
      fsmount            432    432
      fspick             433    433
      clone3             435    435
      openat2            437    437
      pidfd_getfd        438    438
      mount_setattr      442    442
      fchmodat2          452    452
      """;

  public static final SyscallTable X86_64 = fromColumn("amd64", AUDIT_ARCH_X86_64, 0x40000000, 1);

  public static final SyscallTable AARCH64 = fromColumn("aarch64", AUDIT_ARCH_AARCH64, 0, 2);

  /** The table of {@link #NUMBERS}' {@code column} (1 or 2). */
  private static SyscallTable fromColumn(String name, int auditArch, int x32Bit, int column) {
    Map<String, Integer> all = new HashMap<>();
    NUMBERS
        .lines()
        .skip(1)
        .map(row -> row.trim().split(" +"))
        .filter(cells -> !cells[column].equals("-"))
        .forEach(
            cells -> {
              if (all.put(cells[0], Integer.parseInt(cells[column])) != null) {
                throw new IllegalStateException(cells[0] + " has two rows");
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
