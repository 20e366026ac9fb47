package io.sandbox4j.backend.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.FakeLinuxHost;
import io.sandbox4j.launcher.linux.LinuxLaunchPlan;
import io.sandbox4j.launcher.linux.seccomp.Bpf;
import io.sandbox4j.launcher.linux.seccomp.SeccompPrograms;
import io.sandbox4j.launcher.linux.seccomp.SyscallTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "plans seccomp layers for policies built from Linux absolute paths")
class SeccompIsolatorsTest {

  static Isolator isolator(SeccompBackend b, String id) {
    return b.isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  static SandboxPolicy policy(NetworkPolicy net) {
    return SandboxPolicy.builder(Path.of("/w"))
        .denyCredentialStores(false, Map.of())
        .network(net)
        .build();
  }

  static LaunchSpec spec(SandboxPolicy p) {
    return new LaunchSpec(p, List.of("true"), p.workingDirectory(), Map.of());
  }

  static List<byte[]> filters(LaunchSpec spec) {
    return spec.findExtension(LinuxLaunchPlan.class)
        .map(LinuxLaunchPlan::seccompFilters)
        .orElse(List.of());
  }

  @Test
  void declaresExactlyNewSessionAndNoNetwork() {
    SeccompBackend b = new SeccompBackend(FakeLinuxHost.ordinaryUser(), "amd64");
    assertThat(b.id()).isEqualTo("seccomp");
    assertThat(b.isolators()).extracting(Isolator::id).containsExactly("process", "network");
    assertThat(isolator(b, "process").aspect()).isEqualTo(Aspect.PROCESS);
    assertThat(isolator(b, "process").features()).containsExactly(Feature.PROC_NEW_SESSION);
    assertThat(isolator(b, "network").aspect()).isEqualTo(Aspect.NETWORK);
    assertThat(isolator(b, "network").features()).containsExactly(Feature.NET_DENY_ALL);
    assertThat(b.isolators())
        .allSatisfy(
            i ->
                assertThat(i.features())
                    .doesNotContain(
                        Feature.NET_ALLOWLIST, Feature.PROC_ISOLATION, Feature.PROC_NO_PRIVILEGES));
  }

  @Test
  void unavailableWithoutLauncherOrSeccompOrAKnownArchitecture() {
    for (Isolator i :
        new SeccompBackend(
                FakeLinuxHost.ordinaryUser().withoutLauncher("launcher not built: no cc"), "amd64")
            .isolators()) {
      assertThat(i.probe().available()).isFalse();
      assertThat(i.probe().detail()).isEqualTo("launcher not built: no cc");
    }
    for (Isolator i :
        new SeccompBackend(FakeLinuxHost.ordinaryUser().withSeccompFilter(false), "amd64")
            .isolators()) {
      assertThat(i.probe().available()).isFalse();
      assertThat(i.probe().detail()).contains("CONFIG_SECCOMP_FILTER");
      SandboxPolicy p = policy(NetworkPolicy.NONE);
      assertThatThrownBy(() -> i.contribute(p, i.requiredBy(p), spec(p)))
          .isInstanceOf(SandboxException.class);
    }
    for (Isolator i : new SeccompBackend(FakeLinuxHost.ordinaryUser(), "riscv64").isolators()) {
      assertThat(i.probe().available()).isFalse();
      assertThat(i.probe().detail()).contains("riscv64", "x86-64 and aarch64");
    }
    assertThat(
            isolator(new SeccompBackend(FakeLinuxHost.ordinaryUser(), "aarch64"), "network")
                .probe()
                .available())
        .isTrue();
  }

  @Test
  void bothIsolatorsAddTheHardeningProgramOnceAndTheNetworkProgram() {
    SeccompBackend b = new SeccompBackend(FakeLinuxHost.ordinaryUser(), "amd64");
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    LaunchSpec spec = spec(p);
    isolator(b, "process").contribute(p, isolator(b, "process").requiredBy(p), spec);
    isolator(b, "network").contribute(p, isolator(b, "network").requiredBy(p), spec);
    isolator(b, "process").contribute(p, isolator(b, "process").requiredBy(p), spec);
    List<byte[]> f = filters(spec);
    assertThat(f).hasSize(2);
    assertThat(f.get(0)).isEqualTo(Bpf.encode(SeccompPrograms.hardening(SyscallTable.X86_64)));
    assertThat(f.get(1)).isEqualTo(Bpf.encode(SeccompPrograms.noNetwork(SyscallTable.X86_64)));
  }

  @Test
  void theNetworkIsolatorAddsNothingWhenThePolicyAllowsTheNetwork() {
    SeccompBackend b = new SeccompBackend(FakeLinuxHost.ordinaryUser(), "amd64");
    SandboxPolicy p = policy(NetworkPolicy.ALL);
    LaunchSpec spec = spec(p);
    isolator(b, "network").contribute(p, isolator(b, "network").requiredBy(p), spec);
    assertThat(filters(spec)).isEmpty();
  }

  @Test
  void eachIsolatorContributesOnlyForTheFeaturesItOwns() {
    SeccompBackend b = new SeccompBackend(FakeLinuxHost.ordinaryUser(), "amd64");
    SandboxPolicy p = policy(NetworkPolicy.NONE);
    assertThat(isolator(b, "network").requiredBy(p)).containsExactly(Feature.NET_DENY_ALL);

    // NET_DENY_ALL owned by another backend's isolator (a network namespace): no filter here.
    LaunchSpec notOwned = spec(p);
    isolator(b, "network").contribute(p, Set.of(), notOwned);
    isolator(b, "process").contribute(p, Set.of(), notOwned);
    assertThat(filters(notOwned)).isEmpty();
    assertThat(notOwned.findExtension(LinuxLaunchPlan.class).map(LinuxLaunchPlan::isNewSession))
        .isNotEqualTo(Optional.of(true));

    LaunchSpec onlyProcess = spec(p);
    isolator(b, "network").contribute(p, Set.of(), onlyProcess);
    isolator(b, "process").contribute(p, Set.of(Feature.PROC_NEW_SESSION), onlyProcess);
    assertThat(filters(onlyProcess))
        .containsExactly(Bpf.encode(SeccompPrograms.hardening(SyscallTable.X86_64)));
  }
}
