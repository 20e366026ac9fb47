package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkPolicyPublishTest {
  private static final Path WS = Path.of("").toAbsolutePath().getRoot().resolve("ws");

  @Test
  void publishedPortsNeedTheirFeatureAndKeepTheRestOfThePolicy() {
    NetworkPolicy allow = NetworkPolicy.allowRules(List.of("a.example"), List.of("b.example"));
    NetworkPolicy published = allow.withPublish(List.of(8080, 3000));
    assertThat(published.publish()).containsExactly(8080, 3000);
    assertThat(published.rules()).isEqualTo(allow.rules());
    assertThat(published.deny()).isEqualTo(allow.deny());
    SandboxPolicy p = SandboxPolicy.builder(WS).network(published).build();
    assertThat(p.requiredFeatures()).contains(Feature.NET_ALLOWLIST, Feature.NET_PUBLISH);
    assertThat(SandboxPolicy.builder(WS).build().requiredFeatures())
        .doesNotContain(Feature.NET_PUBLISH);
    assertThat(
            SandboxPolicy.builder(WS)
                .network(NetworkPolicy.NONE.withPublish(List.of(1)))
                .build()
                .requiredFeatures())
        .contains(Feature.NET_DENY_ALL, Feature.NET_PUBLISH);
  }

  @Test
  void badPortsAndModeAllAreInvalid() {
    assertThatThrownBy(() -> NetworkPolicy.NONE.withPublish(List.of(0)))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage("published port 0 is not in 1..65535");
    assertThatThrownBy(() -> NetworkPolicy.NONE.withPublish(List.of(65536)))
        .hasMessage("published port 65536 is not in 1..65535");
    assertThatThrownBy(() -> NetworkPolicy.NONE.withPublish(List.of(80, 80)))
        .hasMessage("published ports [80, 80] name a port twice");
    assertThatThrownBy(() -> NetworkPolicy.ALL.withPublish(List.of(8080)))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("needs network mode 'none' or 'allow'");
  }
}
