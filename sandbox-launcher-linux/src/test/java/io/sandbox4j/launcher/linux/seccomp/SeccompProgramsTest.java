package io.sandbox4j.launcher.linux.seccomp;

import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_ALLOW;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_ERRNO;
import static io.sandbox4j.launcher.linux.seccomp.Bpf.SECCOMP_RET_KILL_PROCESS;
import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.launcher.linux.seccomp.BpfInterpreter.SeccompData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SeccompProgramsTest {
  static final int EPERM = SECCOMP_RET_ERRNO | 1;
  static final int ENOSYS = SECCOMP_RET_ERRNO | 38;
  static final int AUDIT_ARCH_I386 = 0x40000003;
  static final int AF_UNIX = 1;
  static final int AF_INET = 2;
  static final int AF_INET6 = 10;
  static final int CLONE_NEWUSER = 0x10000000;
  static final int CLONE_NEWNET = 0x40000000;
  static final long SIGCHLD = 17;
  static final long THREAD_FLAGS = 0x3d0f00;

  /**
   * Allowed system calls every program needs, by architecture: read, write, execve, openat... and
   * the send calls no program can inspect (their address sits in a struct).
   */
  static final Map<String, Map<String, Integer>> ORDINARY =
      Map.of(
          "amd64",
          Map.of(
              "read",
              0,
              "write",
              1,
              "execve",
              59,
              "openat",
              257,
              "getpid",
              39,
              "sendmsg",
              46,
              "sendmmsg",
              307,
              "kill",
              62,
              "wait4",
              61,
              "mmap",
              9),
          "aarch64",
          Map.of(
              "read",
              63,
              "write",
              64,
              "execve",
              221,
              "openat",
              56,
              "getpid",
              172,
              "sendmsg",
              211,
              "sendmmsg",
              269,
              "kill",
              129,
              "wait4",
              260,
              "mmap",
              222));

  static SyscallTable table(String arch) {
    return SyscallTable.forArch(arch).orElseThrow();
  }

  static int hardening(SyscallTable t, String syscall, long... args) {
    return run(Bpf.encode(SeccompPrograms.hardening(t)), t, t.require(syscall), args);
  }

  static int network(SyscallTable t, String syscall, long... args) {
    return run(Bpf.encode(SeccompPrograms.noNetwork(t)), t, t.require(syscall), args);
  }

  static int run(byte[] program, SyscallTable t, int nr, long... args) {
    return BpfInterpreter.run(program, new SeccompData(nr, t.auditArch(), args));
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void aForeignArchitectureIsKilledByBothPrograms(String arch) {
    SyscallTable t = table(arch);
    for (byte[] p :
        new byte[][] {
          Bpf.encode(SeccompPrograms.hardening(t)), Bpf.encode(SeccompPrograms.noNetwork(t))
        }) {
      // getpid on i386 is 20: the number is harmless, the architecture is not what was checked.
      assertThat(BpfInterpreter.run(p, new SeccompData(20, AUDIT_ARCH_I386)))
          .isEqualTo(SECCOMP_RET_KILL_PROCESS);
      int other =
          t == SyscallTable.X86_64
              ? SyscallTable.AUDIT_ARCH_AARCH64
              : SyscallTable.AUDIT_ARCH_X86_64;
      assertThat(BpfInterpreter.run(p, new SeccompData(t.require("ptrace"), other)))
          .isEqualTo(SECCOMP_RET_KILL_PROCESS);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"hardening", "network"})
  void x32SystemCallNumbersFailWithEnosysOnX8664(String which) {
    SyscallTable t = SyscallTable.X86_64;
    byte[] p =
        Bpf.encode(
            which.equals("hardening")
                ? SeccompPrograms.hardening(t)
                : SeccompPrograms.noNetwork(t));
    // x32's ptrace (521) and socket (0x40000000 | 41) must not be looked up as other calls.
    assertThat(run(p, t, 0x40000000 | 521)).isEqualTo(ENOSYS);
    assertThat(run(p, t, 0x40000000 | 41, AF_INET)).isEqualTo(ENOSYS);
    assertThat(run(p, t, 0x40000000 | 39)).isEqualTo(ENOSYS);
    assertThat(run(p, t, -1)).isEqualTo(ENOSYS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void everyDeniedSystemCallFailsWithEperm(String arch) {
    SyscallTable t = table(arch);
    int checked = 0;
    for (SeccompPrograms.Denied d : SeccompPrograms.DENIED) {
      if (t.number(d.syscall()).isPresent()) {
        assertThat(hardening(t, d.syscall(), 0, 0, 0)).as(d.syscall()).isEqualTo(EPERM);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(t == SyscallTable.X86_64 ? 41 : 38);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void ordinarySystemCallsPass(String arch) {
    SyscallTable t = table(arch);
    byte[] hardening = Bpf.encode(SeccompPrograms.hardening(t));
    byte[] network = Bpf.encode(SeccompPrograms.noNetwork(t));
    ORDINARY
        .get(arch)
        .forEach(
            (name, nr) -> {
              assertThat(run(hardening, t, nr, 1, 2, 3)).as(name).isEqualTo(SECCOMP_RET_ALLOW);
              assertThat(run(network, t, nr, AF_UNIX, 1, 0)).as(name).isEqualTo(SECCOMP_RET_ALLOW);
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void cloneWithANamespaceFlagIsDeniedOnTheLow32BitsAndClone3Falls(String arch) {
    SyscallTable t = table(arch);
    assertThat(hardening(t, "clone", SIGCHLD)).isEqualTo(SECCOMP_RET_ALLOW);
    assertThat(hardening(t, "clone", THREAD_FLAGS)).isEqualTo(SECCOMP_RET_ALLOW);
    assertThat(hardening(t, "clone", SIGCHLD | CLONE_NEWUSER)).isEqualTo(EPERM);
    assertThat(hardening(t, "clone", SIGCHLD | CLONE_NEWNET)).isEqualTo(EPERM);
    assertThat(hardening(t, "clone", SIGCHLD | 0x00020000)).isEqualTo(EPERM); // CLONE_NEWNS
    assertThat(hardening(t, "clone", (1L << 32) | CLONE_NEWUSER)).isEqualTo(EPERM);
    // The kernel ignores the high half of clone's flags; so does the filter.
    assertThat(hardening(t, "clone", (1L << 40) | SIGCHLD)).isEqualTo(SECCOMP_RET_ALLOW);
    assertThat(hardening(t, "clone3", 0)).isEqualTo(ENOSYS);
    assertThat(hardening(t, "unshare", 0)).isEqualTo(EPERM);
    assertThat(hardening(t, "setns", 3, 0)).isEqualTo(EPERM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void terminalInjectionIoctlsAreDeniedEvenWithHighBitsSet(String arch) {
    SyscallTable t = table(arch);
    assertThat(hardening(t, "ioctl", 0, 0x5412)).isEqualTo(EPERM); // TIOCSTI
    assertThat(hardening(t, "ioctl", 0, 0x541C)).isEqualTo(EPERM); // TIOCLINUX
    assertThat(hardening(t, "ioctl", 0, (1L << 32) | 0x5412)).isEqualTo(EPERM);
    assertThat(hardening(t, "ioctl", 0, 0xffffffff00005412L)).isEqualTo(EPERM);
    assertThat(hardening(t, "ioctl", 0, 0x5401)).isEqualTo(SECCOMP_RET_ALLOW); // TCGETS
    assertThat(hardening(t, "ioctl", 0x5412, 0x5401)).isEqualTo(SECCOMP_RET_ALLOW); // fd, not cmd
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void personalitiesThatWeakenAslrAreDenied(String arch) {
    SyscallTable t = table(arch);
    assertThat(hardening(t, "personality", 0xffffffffL)).isEqualTo(SECCOMP_RET_ALLOW); // query
    assertThat(hardening(t, "personality", 0)).isEqualTo(SECCOMP_RET_ALLOW); // PER_LINUX
    assertThat(hardening(t, "personality", 0x0008)).isEqualTo(SECCOMP_RET_ALLOW); // PER_LINUX32
    assertThat(hardening(t, "personality", 0x0040000)).isEqualTo(EPERM); // ADDR_NO_RANDOMIZE
    assertThat(hardening(t, "personality", 0x0400000)).isEqualTo(EPERM); // READ_IMPLIES_EXEC
    assertThat(hardening(t, "personality", 0x0100000)).isEqualTo(EPERM); // MMAP_PAGE_ZERO
    assertThat(hardening(t, "personality", (1L << 32) | 0x0040000)).isEqualTo(EPERM);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void noNetworkDeniesEverySocketFamilyIncludingTheHighBitsTrick(String arch) {
    SyscallTable t = table(arch);
    for (long family : new long[] {AF_UNIX, AF_INET, AF_INET6, 16, 17, 0, 45}) {
      assertThat(network(t, "socket", family, 1, 0)).as("family " + family).isEqualTo(EPERM);
    }
    assertThat(network(t, "socket", (1L << 32) | AF_INET, 1, 0)).isEqualTo(EPERM);
    assertThat(network(t, "socket", (1L << 32) | AF_UNIX, 1, 0)).isEqualTo(EPERM);
    assertThat(network(t, "connect", 3, 0, 16)).isEqualTo(EPERM);
    assertThat(network(t, "bind", 3, 0, 16)).isEqualTo(EPERM);
    assertThat(network(t, "io_uring_setup", 8, 0)).isEqualTo(EPERM);
    assertThat(network(t, "socketpair", AF_UNIX, 1, 0, 0)).isEqualTo(SECCOMP_RET_ALLOW);
    assertThat(network(t, "socketpair", AF_UNIX, 2, 0, 0)).isEqualTo(EPERM);
    // The hardening program alone leaves sockets alone: the network isolator decides that.
    assertThat(hardening(t, "socket", AF_INET, 1, 0)).isEqualTo(SECCOMP_RET_ALLOW);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hardening-amd64",
        "network-amd64",
        "hardening-aarch64",
        "network-aarch64",
        "socket-family-allow-list"
      })
  void programsMatchTheirGoldenListing(String name) throws IOException {
    String[] parts = name.split("-");
    byte[] p =
        Bpf.encode(
            switch (parts[0]) {
              case "hardening" -> SeccompPrograms.hardening(table(parts[1]));
              case "network" -> SeccompPrograms.noNetwork(table(parts[1]));
              default -> SeccompPrograms.socketFamilyAllowList();
            });
    if (Boolean.getBoolean("seccomp.updateGolden")) {
      // ./mvnw -pl sandbox-launcher-linux -am test -Dseccomp.updateGolden=true, then review the
      // diff
      java.nio.file.Files.writeString(
          java.nio.file.Path.of(
              "src/test/resources/io/sandbox4j/launcher/linux/seccomp/" + name + ".txt"),
          BpfInterpreter.disassemble(p));
    }
    String golden;
    try (InputStream in = getClass().getResourceAsStream(name + ".txt")) {
      assertThat(in).as("golden file " + name + ".txt").isNotNull();
      golden = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(BpfInterpreter.disassemble(p)).isEqualTo(golden);
  }

  @ParameterizedTest
  @ValueSource(strings = {"amd64", "aarch64"})
  void setuidAndSetgidModeBitsAreRefusedEverywhereAModeIsSet(String arch) {
    SyscallTable t = table(arch);
    int checked = 0;
    for (SeccompPrograms.ModeArgument m : SeccompPrograms.MODE_ARGUMENTS) {
      for (String syscall : m.syscalls()) {
        if (t.number(syscall).isEmpty()) {
          continue;
        }
        long[] plain = new long[4];
        long[] setuid = new long[4];
        long[] setgid = new long[4];
        long[] highBitsOnly = new long[4];
        plain[m.index()] = 0755;
        setuid[m.index()] = 04755;
        setgid[m.index()] = 02755;
        highBitsOnly[m.index()] = (1L << 32) | 0755;
        assertThat(hardening(t, syscall, plain)).as(syscall + " 0755").isEqualTo(SECCOMP_RET_ALLOW);
        assertThat(hardening(t, syscall, setuid)).as(syscall + " 04755").isEqualTo(EPERM);
        assertThat(hardening(t, syscall, setgid)).as(syscall + " 02755").isEqualTo(EPERM);
        assertThat(hardening(t, syscall, highBitsOnly))
            .as(syscall + " mode with high bits only")
            .isEqualTo(SECCOMP_RET_ALLOW);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(t == SyscallTable.X86_64 ? 9 : 5);
    assertThat(hardening(t, "openat2", 0, 0, 0)).isEqualTo(ENOSYS);
  }
}
