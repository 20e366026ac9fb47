package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.proxy.HostResolver;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX paths as the policy holds them")
class PolicyCheckTest {
  private static final Path WS = Path.of("/w/project");

  /** Fails the test if asked: the decisions below must not need a resolver. */
  private static final HostResolver NO_DNS =
      host -> {
        throw new AssertionError("resolver asked for " + host);
      };

  private static SandboxPolicy policy() {
    return SandboxPolicy.builder(WS)
        .allowWrite(Path.of("/w/cache"))
        .denyWrite(Path.of("/w/project/locked"))
        .denyRead(Path.of("/w/project/secret"))
        .denyCredentialStores(true, Map.of("HOME", "/home/u"))
        .build();
  }

  @Test
  void writesBeneathAWritableRootAreAllowedAndNameTheRoot() {
    PolicyVerdict v = PolicyCheck.write(policy(), Path.of("src/Main.java"));
    assertThat(v.allowed()).isTrue();
    assertThat(v.target()).isEqualTo("/w/project/src/Main.java");
    assertThat(v.rule()).isEqualTo("writable root /w/project (the workspace)");
    assertThat(v.remedy()).isEmpty();
    assertThat(PolicyCheck.write(policy(), Path.of("/w/cache/x")).rule())
        .isEqualTo("writable root /w/cache");
  }

  @Test
  void aWriteOutsideEveryRootNamesTheFlagAndPolicyLineThatAllowIt() {
    PolicyVerdict v = PolicyCheck.write(policy(), Path.of("/w/other/out.txt"));
    assertThat(v.allowed()).isFalse();
    assertThat(v.rule()).isEqualTo("not beneath a writable root [/w/project, /w/cache]");
    assertThat(v.remedy())
        .hasValue(
            "allow it with --allow-write /w/other/out.txt (policy file: filesystem.allow-write;"
                + " the path must exist)");
    assertThat(v.line()).startsWith("write /w/other/out.txt: denied: not beneath a writable root");
  }

  @Test
  void aSystemDirectoryNeedsTheOptInToo() {
    PolicyVerdict v = PolicyCheck.write(policy(), Path.of("/etc/hosts"));
    assertThat(v.remedy().orElseThrow())
        .contains("--allow-write /etc/hosts --allow-system-write /etc/hosts")
        .contains("filesystem.allow-system-write");
    assertThat(PolicyCheck.write(policy(), Path.of("/var/cache/x")).remedy().orElseThrow())
        .doesNotContain("allow-system-write");
  }

  @Test
  void kernelInterfacesAreNeverWritableAndNothingAllowsThem() {
    PolicyVerdict v = PolicyCheck.write(policy(), Path.of("/proc/sys/kernel/x"));
    assertThat(v.allowed()).isFalse();
    assertThat(v.rule()).startsWith("/proc (kernel interfaces");
    assertThat(v.remedy()).isEmpty();
    assertThat(PolicyCheck.write(policy(), Path.of("/dev/null")).allowed()).isTrue();
    assertThat(PolicyCheck.write(policy(), Path.of("/tmp/x")).rule())
        .startsWith("the run's private temporary directory");
  }

  @Test
  void denyWriteAndProtectedNamesWinInsideARoot() {
    PolicyVerdict locked = PolicyCheck.write(policy(), Path.of("/w/project/locked/a"));
    assertThat(locked.allowed()).isFalse();
    assertThat(locked.rule()).isEqualTo("deny-write entry /w/project/locked");
    assertThat(locked.remedy().orElseThrow()).contains("--deny-write", "filesystem.deny-write");

    PolicyVerdict hooks = PolicyCheck.write(policy(), Path.of("/w/cache/.git/hooks/pre-commit"));
    assertThat(hooks.allowed()).isFalse();
    assertThat(hooks.rule())
        .startsWith("protected name .git/hooks beneath the writable root /w/cache");
  }

  @Test
  void readDenyAndCredentialStoresRefuseReadsAndWrites() {
    PolicyVerdict secret = PolicyCheck.read(policy(), Path.of("/w/project/secret/key"));
    assertThat(secret.allowed()).isFalse();
    assertThat(secret.remedy().orElseThrow()).contains("--deny-read", "filesystem.deny-read");
    assertThat(PolicyCheck.write(policy(), Path.of("/w/project/secret/key")).allowed()).isFalse();

    PolicyVerdict ssh = PolicyCheck.read(policy(), Path.of("/home/u/.ssh/id_ed25519"));
    assertThat(ssh.allowed()).isFalse();
    assertThat(ssh.rule())
        .isEqualTo("deny-read entry /home/u/.ssh (a credential store: every policy denies it)");
    assertThat(ssh.remedy().orElseThrow()).startsWith("no flag allows it");
    assertThat(PolicyCheck.read(policy(), Path.of("/usr/bin/git")).allowed()).isTrue();
  }

  @Test
  void aReadAllowListLimitsReadsToItsEntriesAndTheRoots() {
    SandboxPolicy p = SandboxPolicy.builder(WS).allowRead(Path.of("/opt/sdk")).build();
    assertThat(PolicyCheck.read(p, Path.of("/opt/sdk/lib/a.jar")).rule())
        .isEqualTo("allow-read entry /opt/sdk");
    assertThat(PolicyCheck.read(p, Path.of("/w/project/a")).allowed()).isTrue();
    PolicyVerdict other = PolicyCheck.read(p, Path.of("/srv/data"));
    assertThat(other.allowed()).isFalse();
    assertThat(other.remedy())
        .hasValue("allow it with --allow-read /srv/data (policy file: filesystem.allow-read)");
  }

  @Test
  void networkModesNoneAndAll() {
    PolicyVerdict none = PolicyCheck.connect(policy(), "example.com", 443, NO_DNS);
    assertThat(none.allowed()).isFalse();
    assertThat(none.rule()).isEqualTo("network mode none (the default)");
    assertThat(none.remedy().orElseThrow()).startsWith("allow it with --net allow=example.com:443");
    SandboxPolicy all = SandboxPolicy.builder(WS).network(NetworkPolicy.ALL).build();
    assertThat(PolicyCheck.connect(all, "example.com", 22, NO_DNS).allowed()).isTrue();
  }

  @Test
  void anAllowListIsJudgedByTheProxysOwnRules() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .network(
                NetworkPolicy.allowRules(
                    List.of("*.example.com", "localhost:8080"), List.of("evil.example.com")))
            .build();
    PolicyVerdict deny = PolicyCheck.connect(p, "evil.example.com", 443, NO_DNS);
    assertThat(deny.allowed()).isFalse();
    assertThat(deny.rule())
        .isEqualTo("deny-list entry 'evil.example.com' (denied by 'evil.example.com')");
    assertThat(deny.remedy())
        .hasValue(
            "remove 'evil.example.com' from --net-deny (policy file: network.deny) to allow it");

    PolicyVerdict unlisted = PolicyCheck.connect(p, "other.org", 443, NO_DNS);
    assertThat(unlisted.rule()).isEqualTo("not in the allow-list");
    assertThat(unlisted.remedy().orElseThrow())
        .startsWith("allow it with --net allow=*.example.com,localhost:8080,other.org:443");

    assertThat(PolicyCheck.connect(p, "localhost", 8080, NO_DNS).allowed()).isTrue();
    assertThat(PolicyCheck.connect(p, "localhost", 9090, NO_DNS).rule())
        .startsWith("port 9090 is not allowed");

    HostResolver toLoopback =
        host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
    PolicyVerdict loop = PolicyCheck.connect(p, "api.example.com", 443, toLoopback);
    assertThat(loop.allowed()).isFalse();
    assertThat(loop.rule()).contains("127.0.0.1 is loopback");
    assertThat(loop.remedy().orElseThrow()).contains("127.0.0.1:443");

    HostResolver fails =
        host -> {
          throw new UnknownHostException(host);
        };
    assertThat(PolicyCheck.connect(p, "api.example.com", 443, fails).rule())
        .contains("does not resolve here");
    assertThatThrownBy(() -> PolicyCheck.connect(p, "a.example.com", 70000, NO_DNS))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2));
  }
}
