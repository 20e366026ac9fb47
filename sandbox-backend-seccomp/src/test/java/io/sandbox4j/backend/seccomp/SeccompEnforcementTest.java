package io.sandbox4j.backend.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.NativeLaunch;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the generated programs for real through the native launcher and judges from outside:
 * listeners the test starts on loopback and on a unix socket see nothing, and raw system calls
 * (made with perl's syscall, which passes full 64-bit arguments) report EPERM.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class SeccompEnforcementTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);

  @TempDir Path root;
  Path ws;
  SeccompBackend backend;
  SyscallTable table;

  @BeforeEach
  void setUp() throws Exception {
    backend = new SeccompBackend(NativeLaunch.host());
    Availability a = isolator("network").probe();
    assumeTrue(a.available(), "seccomp unavailable here: " + a.detail());
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")), "needs /usr/bin/perl (perl-base)");
    table = SyscallTable.forArch(System.getProperty("os.arch")).orElseThrow();
    ws = Files.createDirectories(root.resolve("ws"));
  }

  Isolator isolator(String id) {
    return backend.isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  NativeLaunch.Result run(List<String> command, String... isolators) throws Exception {
    SandboxPolicy p =
        SandboxPolicy.builder(ws)
            .denyCredentialStores(false, Map.of())
            .network(NetworkPolicy.NONE)
            .build();
    LaunchSpec spec = new LaunchSpec(p, command, ws, Map.of("PATH", "/usr/bin:/bin"));
    for (String id : isolators) {
      isolator(id).contribute(p, isolator(id).requiredBy(p), spec);
    }
    return NativeLaunch.run(spec, TIMEOUT);
  }

  /** perl -e, printing "ret=R errno=E" for one raw system call. */
  static List<String> syscall(int nr, String args) {
    return List.of(
        "/usr/bin/perl",
        "-e",
        "my $b = \"x\" x 64; $r = syscall("
            + nr
            + ", "
            + args
            + "); print \"ret=$r errno=\" . ($!+0) . \"\\n\";");
  }

  @Test
  void noConnectionReachesLoopbackTcpUdpOrAUnixSocketOutsideTheWorkspace() throws Exception {
    Path sock = root.resolve("outside.sock");
    try (ServerSocket tcp = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        DatagramSocket udp =
            new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocketChannel unix = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      unix.bind(UnixDomainSocketAddress.of(sock));
      unix.configureBlocking(false);
      String script =
          "use IO::Socket::INET; use IO::Socket::UNIX;"
              + "print IO::Socket::INET->new(PeerAddr=>'127.0.0.1:"
              + tcp.getLocalPort()
              + "', Timeout=>3) ? \"tcp connected\\n\" : \"tcp $!\\n\";"
              + "my $u = IO::Socket::INET->new(PeerAddr=>'127.0.0.1:"
              + udp.getLocalPort()
              + "', Proto=>'udp'); if ($u) { $u->send('leak'); print \"udp sent\\n\" } else { print \"udp $!\\n\" }"
              + "print IO::Socket::UNIX->new(Peer=>'"
              + sock
              + "') ? \"unix connected\\n\" : \"unix $!\\n\";";
      NativeLaunch.Result r = run(List.of("/usr/bin/perl", "-e", script), "network");
      assertThat(r.stdout()).doesNotContain("connected").doesNotContain("udp sent");
      tcp.setSoTimeout(300);
      try {
        tcp.accept().close();
        throw new AssertionError("the loopback listener saw a connection");
      } catch (SocketTimeoutException expected) {
        // nothing arrived
      }
      udp.setSoTimeout(300);
      try {
        udp.receive(new DatagramPacket(new byte[16], 16));
        throw new AssertionError("the UDP listener received a datagram");
      } catch (SocketTimeoutException expected) {
        // nothing arrived
      }
      assertThat(unix.accept()).isNull();
    }
  }

  @Test
  void everySocketFamilyFailsWithEpermEvenWithHighBitsSetButSocketpairWorks() throws Exception {
    int socket = table.require("socket");
    for (String family : List.of("1", "2", "10", "16", "17", "(1<<32)|2", "(1<<32)|1")) {
      NativeLaunch.Result r = run(syscall(socket, family + ", 1, 0"), "network");
      assertThat(r.stdout()).as("family " + family).contains("ret=-1 errno=1");
    }
    NativeLaunch.Result pair =
        run(
            List.of(
                "/usr/bin/perl",
                "-e",
                "use Socket; print socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) ? \"pair ok\\n\" : \"pair $!\\n\";"),
            "network");
    assertThat(pair.stdout()).contains("pair ok");
  }

  @Test
  void noUnixDatagramSocketCanBeMadeAndAddressedSendtoIsRefused() throws Exception {
    // Issue 10: SOCK_RAW unix pairs are datagram pairs, and the flags share the type argument.
    int socketpair = table.require("socketpair");
    int sendto = table.require("sendto");
    String pairs =
        "my $v = pack(\"i2\", -1, -1);"
            + " for my $t (2, 3, 2|0x80000, 3|0x80000, 3|0x800|0x80000, (1<<32)|3) {"
            + " my $r = syscall("
            + socketpair
            + ", 1, $t, 0, $v); print \"pair $t ret=$r errno=\" . ($!+0) . \"\\n\"; }"
            + " for my $t (1, 5, 1|0x80000, 5|0x800) {"
            + " my $r = syscall("
            + socketpair
            + ", 1, $t, 0, $v); print \"pair $t ret=$r\\n\"; }";
    NativeLaunch.Result r = run(List.of("/usr/bin/perl", "-e", pairs), "network");
    for (String t : List.of("2", "3", "524290", "524291", "526339", "4294967299")) {
      assertThat(r.stdout()).contains("pair " + t + " ret=-1 errno=1");
    }
    for (String t : List.of("1", "5", "524289", "2053")) {
      assertThat(r.stdout()).contains("pair " + t + " ret=0");
    }
    // sendto on a stream pair: without an address it works; any address, EPERM from the filter
    // rather than the kernel's EISCONN (106) for a connected stream socket.
    String send =
        "use Socket; socketpair(my $a, my $b, AF_UNIX, SOCK_STREAM, 0) or die;"
            + " my $d = \"x\"; my $addr = pack_sockaddr_un(\"/nonexistent\");"
            + " my $r = syscall("
            + sendto
            + ", fileno($a), $d, 1, 0, 0, 0); print \"plain ret=$r\\n\";"
            + " $r = syscall("
            + sendto
            + ", fileno($a), $d, 1, 0, $addr, length($addr));"
            + " print \"addressed ret=$r errno=\" . ($!+0) . \"\\n\";";
    NativeLaunch.Result s = run(List.of("/usr/bin/perl", "-e", send), "network");
    assertThat(s.stdout()).contains("plain ret=1", "addressed ret=-1 errno=1");
    NativeLaunch.Result unfiltered = run(List.of("/usr/bin/perl", "-e", send));
    assertThat(unfiltered.stdout()).as("without the filter").contains("addressed ret=-1 errno=106");
    assertThat(run(syscall(table.require("pidfd_getfd"), "0, 0, 0"), "network").stdout())
        .contains("ret=-1 errno=1");
  }

  @Test
  void theDangerousKernelSurfaceFailsWithEperm() throws Exception {
    // ptrace(PTRACE_TRACEME), unshare(CLONE_NEWUSER), ioctl(0, TIOCSTI with high bits), bpf, keyctl
    assertThat(run(syscall(table.require("ptrace"), "0, 0, 0, 0"), "process").stdout())
        .contains("ret=-1 errno=1");
    assertThat(run(syscall(table.require("unshare"), "0x10000000"), "process").stdout())
        .contains("ret=-1 errno=1");
    assertThat(run(syscall(table.require("ioctl"), "0, (1<<32)|0x5412, $b"), "process").stdout())
        .contains("ret=-1 errno=1"); // EPERM from the filter, not ENOTTY (25) from the pipe
    assertThat(run(syscall(table.require("bpf"), "0, 0, 0"), "process").stdout())
        .contains("ret=-1 errno=1");
    assertThat(run(syscall(table.require("io_uring_setup"), "8, $b"), "process").stdout())
        .contains("ret=-1 errno=1");
    // Ordinary work still runs: threads (clone), subprocesses, pipes.
    NativeLaunch.Result ok =
        run(
            List.of("/bin/sh", "-c", "echo a | tr a b; ls / > /dev/null && echo listed"),
            "process",
            "network");
    assertThat(ok.exit()).isZero();
    assertThat(ok.stdout()).contains("b\n", "listed");
  }

  @Test
  void theCommandRunsInANewSession() throws Exception {
    String mySession = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ")[3];
    NativeLaunch.Result r =
        run(List.of("/bin/sh", "-c", "cut -d' ' -f6 /proc/self/stat"), "process");
    assertThat(r.stdout().trim()).isNotEmpty().isNotEqualTo(mySession);
  }

  @Test
  void noSetuidOrSetgidFileCanBePlantedForTheHostToRunLater() throws Exception {
    NativeLaunch.Result r =
        run(
            List.of(
                "/bin/sh",
                "-c",
                "cp /bin/true s; chmod 4755 s; chmod g+s s; chmod 755 s && echo plain-ok;"
                    + " install -m 4755 /bin/true t; python3 -c 'import os;"
                    + " os.close(os.open(\"u\", os.O_CREAT | os.O_WRONLY, 0o4755))' 2>/dev/null;"
                    + " exit 0"),
            "process");
    assertThat(r.stdout()).contains("plain-ok");
    for (String name : List.of("s", "t", "u")) {
      Path f = ws.resolve(name);
      if (Files.exists(f)) {
        assertThat(Files.getPosixFilePermissions(f))
            .as(name + " has no setuid/setgid bit (java.nio cannot show them: check via stat)")
            .isNotNull();
        String mode =
            new String(
                    new ProcessBuilder("stat", "-c", "%a", f.toString())
                        .start()
                        .getInputStream()
                        .readAllBytes())
                .trim();
        assertThat(Integer.parseInt(mode, 8) & 06000).as(name + " mode " + mode).isZero();
      }
    }
  }
}
