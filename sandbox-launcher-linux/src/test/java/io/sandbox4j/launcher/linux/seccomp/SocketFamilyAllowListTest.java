package io.sandbox4j.launcher.linux.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.seccomp.BpfInterpreter.SeccompData;
import org.junit.jupiter.api.Test;

/**
 * The namespaces backend's socket-family allow-list ({@link
 * SeccompPrograms#socketFamilyAllowList}), run by {@link BpfInterpreter} on sample seccomp_data.
 * Its instructions are pinned by the golden listing {@code socket-family-allow-list.txt} ({@link
 * SeccompProgramsTest}); every socket and socketpair spelling is in {@link SocketCallTableTest}.
 */
class SocketFamilyAllowListTest {
  static final int X86_64 = 0xC000003E;
  static final int AARCH64 = 0xC00000B7;
  static final int I386 = 0x40000003;
  static final int ALLOW = 0x7fff0000;
  static final int EAFNOSUPPORT = 0x00050000 | 97;
  static final int ENOSYS = 0x00050000 | 38;
  static final int KILL_PROCESS = 0x80000000;

  /** The action the program returns for system call {@code nr} of architecture {@code arch}. */
  static int run(byte[] program, int arch, int nr, long... args) {
    return BpfInterpreter.run(program, new SeccompData(nr, arch, args));
  }

  private final byte[] program = Bpf.encode(SeccompPrograms.socketFamilyAllowList());

  @Test
  void unixAndVsockSocketsAreRefusedOnBothArchitectures() {
    for (int[] archSocket : new int[][] {{X86_64, 41}, {AARCH64, 198}}) {
      int arch = archSocket[0];
      int socket = archSocket[1];
      assertThat(run(program, arch, socket, 1, 1, 0)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, socket, 40, 1, 0)).isEqualTo(EAFNOSUPPORT);
      // the kernel reads an int: the upper half of the register must not matter
      assertThat(run(program, arch, socket, (1L << 32) | 1, 1, 0)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, socket, (7L << 32) | 40, 1, 0)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, socket, 2, 1, 0)).as("AF_INET").isEqualTo(ALLOW);
      assertThat(run(program, arch, socket, 10, 2, 0)).as("AF_INET6").isEqualTo(ALLOW);
      assertThat(run(program, arch, socket, 16, 3, 0)).as("AF_NETLINK").isEqualTo(ALLOW);
      // an allow-list: families a network namespace may not confine are refused too
      for (int family : new int[] {0, 3, 17, 29, 30, 31, 38, 44, 45, 255}) {
        assertThat(run(program, arch, socket, family, 1, 0))
            .as("family " + family)
            .isEqualTo(EAFNOSUPPORT);
      }
    }
  }

  @Test
  void streamSocketpairsStayButDatagramAndRawPairsAreRefused() {
    int nonblockCloexec = 0x800 | 0x80000;
    for (int[] archPair : new int[][] {{X86_64, 53}, {AARCH64, 199}}) {
      int arch = archPair[0];
      int pair = archPair[1];
      assertThat(run(program, arch, pair, 1, 1)).isEqualTo(ALLOW);
      assertThat(run(program, arch, pair, 1, 5 | nonblockCloexec)).isEqualTo(ALLOW);
      assertThat(run(program, arch, pair, 1, 2)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, pair, 1, 2 | nonblockCloexec)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, pair, 1, (1L << 32) | 2)).isEqualTo(EAFNOSUPPORT);
      // unix SOCK_RAW is a datagram socket (issue 10)
      assertThat(run(program, arch, pair, 1, 3)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, pair, 1, 3 | nonblockCloexec)).isEqualTo(EAFNOSUPPORT);
      assertThat(run(program, arch, pair, 2, 1)).as("AF_INET pair").isEqualTo(EAFNOSUPPORT);
    }
  }

  @Test
  void otherSystemCallsAreAllowedAndIoUringSetupIsNot() {
    // x86-64 read, connect, bind, execve; aarch64 read, connect, execve
    for (int nr : new int[] {0, 42, 49, 59}) {
      assertThat(run(program, X86_64, nr, 1, 1)).isEqualTo(ALLOW);
    }
    for (int nr : new int[] {63, 203, 221}) {
      assertThat(run(program, AARCH64, nr, 1, 1)).isEqualTo(ALLOW);
    }
    assertThat(run(program, X86_64, 425)).isEqualTo(ENOSYS);
    assertThat(run(program, AARCH64, 425)).isEqualTo(ENOSYS);
    // each architecture's socket number is an ordinary call on the other
    assertThat(run(program, X86_64, 198, 1)).isEqualTo(ALLOW);
    assertThat(run(program, AARCH64, 41, 1)).isEqualTo(ALLOW);
  }

  @Test
  void otherArchitecturesAndX32AreKilled() {
    assertThat(run(program, I386, 359, 1, 1)).isEqualTo(KILL_PROCESS);
    assertThat(run(program, 0xC00000F3 /* riscv64 */, 198, 1)).isEqualTo(KILL_PROCESS);
    assertThat(run(program, X86_64, 0x40000000 | 41, 1, 1)).isEqualTo(KILL_PROCESS);
    assertThat(run(program, X86_64, 0x40000000, 2, 1)).isEqualTo(KILL_PROCESS);
    assertThat(run(program, X86_64, 0x3fffffff)).isEqualTo(ALLOW);
  }

  @Test
  void supportedArchitecturesFollowOsArchAndTheProgramCoversEachOfThem() {
    assertThat(SyscallTable.forArch("amd64")).isPresent();
    assertThat(SyscallTable.forArch("aarch64")).isPresent();
    assertThat(SyscallTable.forArch("riscv64")).isEmpty();
    assertThat(SyscallTable.forArch("x86")).isEmpty();
    assertThat(SeccompPrograms.SOCKET_FILTER_ARCHITECTURES)
        .containsExactly(SyscallTable.X86_64, SyscallTable.AARCH64);
  }
}
