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
  void aHostLoopbackProxyListensAtOnceOnItsPortAndJudgesConnections() throws Exception {
    RunProxy p = RunProxy.onHostLoopback(rules);
    try {
      assertThat(p.running()).isTrue();
      assertThat(p.port()).isPositive();
      assertThat(p.directory()).isNull();
      assertThatThrownBy(p::socket).isInstanceOf(IllegalStateException.class);
      assertThat(p.environment(java.util.Map.of()))
          .containsEntry("HTTP_PROXY", "http://127.0.0.1:" + p.port());
      p.start(); // already listening: nothing to do
      try (java.net.Socket c = new java.net.Socket("127.0.0.1", p.port())) {
        c.setSoTimeout(5000);
        c.getOutputStream()
            .write(
                "CONNECT b.example:443 HTTP/1.1\r\nHost: b.example:443\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String answer =
            new String(
                c.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(answer).isEqualTo("HTTP/1.1 403");
      }
    } finally {
      assertThat(p.stop()).anySatisfy(e -> assertThat(e.host()).isEqualTo("b.example"));
    }
    assertThat(p.running()).isFalse();
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
