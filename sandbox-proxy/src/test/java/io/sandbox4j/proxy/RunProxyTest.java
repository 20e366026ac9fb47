package io.sandbox4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunProxyTest {
  @TempDir Path dir;

  private final NetworkRules rules = NetworkRules.parse(List.of("a.example"), List.of());

  @Test
  void theFirstBaseOutsideEveryWritableRootIsUsedAndStopIsIdempotent() throws Exception {
    Path inside = dir.resolve("ws/cache");
    Path outside = dir.resolve("runtime");
    RunProxy p =
        RunProxy.inPrivateDirectory(
            rules, List.of(inside, outside), List.of(dir.resolve("ws")), 3128);
    assertThat(p.directory().getParent()).isEqualTo(outside.toRealPath());
    assertThat(p.running()).isFalse();
    p.start();
    assertThat(p.running()).isTrue();
    assertThat(Files.exists(p.socket())).isTrue();
    assertThat(p.stop()).isEmpty();
    assertThat(p.stop()).isEmpty();
    assertThat(p.directory()).doesNotExist();
    assertThatThrownBy(p::start)
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125));
  }

  @Test
  void aProxyNeverStartedStillRemovesItsDirectory() {
    RunProxy p = RunProxy.inPrivateDirectory(rules, List.of(dir), List.of(), 3128);
    assertThat(p.directory()).isDirectory();
    assertThat(p.stop()).isEmpty();
    assertThat(p.directory()).doesNotExist();
  }

  @Test
  void noBaseOutsideTheWritableRootsIsExit125NamingEachBase() {
    assertThatThrownBy(
            () -> RunProxy.inPrivateDirectory(rules, List.of(dir.resolve("a")), List.of(dir), 3128))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining(dir.resolve("a") + " is inside a writable root");
  }
}
