package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Paths are built beneath the root of the current drive ({@code /} on Linux, {@code C:\\} on
 * Windows), so the same assertions hold on both; {@code WindowsPathSemanticsTest} repeats the path
 * handling on a Windows-semantics file system.
 */
class SandboxPolicyTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getRoot();
  private static final Path WS = ROOT.resolve("work").resolve("project");
  private static final Path HOME = ROOT.resolve("home").resolve("u");

  @Test
  void defaultsAreSecure() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .denyCredentialStores(true, Map.of("HOME", HOME.toString()))
            .build();
    assertThat(p.filesystem().workspace()).isEqualTo(WS);
    assertThat(p.filesystem().writableRoots()).isEmpty();
    assertThat(p.filesystem().privateTmp()).isTrue();
    assertThat(p.filesystem().readDeny())
        .contains(
            HOME.resolve(".ssh"),
            HOME.resolve(".aws"),
            HOME.resolve(".gnupg"),
            HOME.resolve(".config/gh"),
            HOME.resolve(".netrc"),
            HOME.resolve(".docker/config.json"),
            HOME.resolve(".kube"));
    assertThat(p.filesystem().protectedPaths())
        .containsExactly(
            WS.resolve(".git/hooks"), WS.resolve(".git/config"), WS.resolve(".sandbox4j"));
    assertThat(p.network().mode()).isEqualTo(NetworkMode.NONE);
    assertThat(
            p.process()
                .environmentFrom(
                    Map.of("PATH", ROOT.resolve("bin").toString(), "AWS_SECRET_ACCESS_KEY", "x")))
        .containsOnlyKeys("PATH");
    assertThat(p.requiredFeatures())
        .containsExactlyInAnyOrder(
            Feature.FS_WRITE_CONFINEMENT,
            Feature.FS_READ_DENY,
            Feature.FS_PROTECTED_PATHS,
            Feature.FS_PRIVATE_TMP,
            Feature.FS_PRIVATE_HOME,
            Feature.NET_DENY_ALL,
            Feature.PROC_ENV_SCRUB,
            Feature.PROC_NEW_SESSION,
            Feature.PROC_TREE_KILL,
            Feature.PROC_NO_PRIVILEGES,
            Feature.PROC_ISOLATION);
  }

  @Test
  void theAccountHomeIsDeniedTooWhenHomeDiffers() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .denyCredentialStores(true, Map.of("HOME", ROOT.resolve("elsewhere").toString()))
            .build();
    Path account = Path.of(System.getProperty("user.home"));
    assertThat(p.filesystem().readDeny())
        .contains(ROOT.resolve("elsewhere").resolve(".ssh"), account.resolve(".ssh"));
  }

  @Test
  void protectedNamesApplyBeneathEveryWritableRoot() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .allowWrite(ROOT.resolve("cache"))
            .denyWrite(WS.resolve("Makefile"))
            .build();
    assertThat(p.filesystem().protectedPaths())
        .contains(WS.resolve("Makefile"), ROOT.resolve("cache").resolve(".git").resolve("hooks"));
  }

  @Test
  void resourceLimitsAddTheirFeatures() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS)
            .network(NetworkPolicy.ALL)
            .resources(
                ResourceLimits.NONE
                    .withMemoryBytes(1 << 20)
                    .withCpuTime(Duration.ofSeconds(1))
                    .withTimeout(Duration.ofSeconds(2))
                    .withMaxProcesses(4)
                    .withMaxFileSizeBytes(10)
                    .withMaxOpenFiles(64))
            .build();
    assertThat(p.requiredFeatures())
        .contains(
            Feature.RES_MEMORY,
            Feature.RES_CPU_TIME,
            Feature.RES_TIMEOUT,
            Feature.RES_MAX_PROCS,
            Feature.RES_FILE_SIZE,
            Feature.RES_OPEN_FILES)
        .doesNotContain(Feature.NET_DENY_ALL, Feature.NET_ALLOWLIST);
  }

  @Test
  void toBuilderRoundTrips() {
    SandboxPolicy p =
        SandboxPolicy.builder(WS).allowRead(ROOT.resolve("usr")).setEnv("A", "b").build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void readGrantsAreStoredWithoutMakingReadsAnAllowList() {
    Path jdk = HOME.resolve(".sdkman/candidates/java");
    SandboxPolicy p = SandboxPolicy.builder(WS).grantRead(jdk).grantRead(jdk).build();
    assertThat(p.filesystem().readGrants()).containsExactly(jdk);
    assertThat(p.filesystem().readAllow()).isEmpty();
    assertThat(p.requiredFeatures()).doesNotContain(Feature.FS_READ_ALLOWLIST);
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThatThrownBy(() -> SandboxPolicy.builder(WS).grantRead(Path.of("rel")).build())
        .hasMessage("grant-read: path 'rel' must be absolute");
  }

  @Test
  void relativePathsAreRejected() {
    assertThatThrownBy(() -> SandboxPolicy.builder(Path.of("rel")).build())
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("workspace: path 'rel' must be absolute");
  }

  @Test
  void impossibleLimitsAreRejected() {
    assertThatThrownBy(() -> ResourceLimits.NONE.withMaxProcesses(0))
        .hasMessageContaining("max-procs");
    assertThatThrownBy(() -> ResourceLimits.NONE.withTimeout(Duration.ZERO))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> ResourceLimits.NONE.withMemoryBytes(-1))
        .hasMessageContaining("memory");
  }

  @Test
  void protectedNamesCannotEscapeTheirRoot() {
    assertThatThrownBy(() -> SandboxPolicy.builder(WS).protectedNames(List.of("../x")).build())
        .hasMessageContaining("without '..'");
  }

  @Test
  void allowModeNeedsEntriesAndOtherModesRefuseThem() {
    assertThatThrownBy(() -> NetworkPolicy.allow(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> new NetworkPolicy(NetworkMode.NONE, List.of(HostPort.parse("a"))))
        .hasMessageContaining("need mode 'allow'");
  }

  @Test
  void hostPortsBecomeRulesAndRulesGiveTheHostPortsTheyCanExpress() {
    NetworkPolicy old =
        NetworkPolicy.allow(
            List.of(
                HostPort.parse("a.example:8080"), HostPort.parse("[::1]"), HostPort.parse("*:53")));
    assertThat(old.rules()).containsExactly("a.example:8080", "[::1]:*");
    assertThat(old.deny()).isEmpty();

    NetworkPolicy p =
        NetworkPolicy.allowRules(
            List.of("a.example", "*.b.example", "10.0.0.0/8", "c.example:*", "[::1]:5432"),
            List.of("x.b.example"));
    assertThat(p.allow()).hasToString("[a.example:80, a.example:443, c.example, [::1]:5432]");
    assertThat(p.deny()).containsExactly("x.b.example");
    assertThatThrownBy(
            () -> new NetworkPolicy(NetworkMode.ALL, List.of(), List.of(), List.of("x.example")))
        .hasMessageContaining("deny-list entries [x.example] need mode 'allow'");
  }
}
