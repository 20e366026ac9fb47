package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.proxy.NetworkEvent;
import io.sandbox4j.proxy.NetworkRules;
import io.sandbox4j.proxy.RunProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-run proxy an isolator asks for through the {@link RunProxy} extension: the engine starts
 * it before the launch, sets the proxy variables, stops it on every way a run ends and hands its
 * events to the result. A fake backend asks for it; the command runs unconfined (the engine's own
 * launcher), so the test itself plays the sandboxed client on the unix socket.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs /bin/sh, /bin/sleep and /bin/true; the allow-list proxy is wired on Linux only")
class RunProxyLifecycleTest {
  @TempDir Path workspace;
  @TempDir Path runtime;

  private final List<RunProxy> asked = new ArrayList<>();

  private Sandbox sandbox() {
    FakeBackend all = FakeBackend.claimingEverything("all");
    all.onContribute =
        spec -> {
          RunProxy p =
              RunProxy.inPrivateDirectory(
                  NetworkRules.parse(spec.policy().network().rules(), List.of()),
                  List.of(runtime),
                  spec.policy().filesystem().allWritableRoots(),
                  RunProxy.DEFAULT_PORT);
          spec.onCleanup(p::stop);
          spec.extension(RunProxy.class, () -> p);
          asked.add(p);
        };
    return Sandbox.create(List.of(new FakeBackendProvider(all)));
  }

  private SandboxPolicy.Builder policy() {
    return SandboxPolicy.builder(workspace)
        .network(NetworkPolicy.allowRules(List.of("listed.example"), List.of()))
        .passEnv("PATH");
  }

  private void assertStoppedAndRemoved() {
    assertThat(asked).hasSize(1);
    RunProxy p = asked.get(0);
    assertThat(p.running()).isFalse();
    assertThat(p.directory()).doesNotExist();
  }

  @Test
  void theProxyRunsInAPrivateDirectoryDuringTheRunAndItsEventsReachTheResult() throws Exception {
    try (SandboxExecution ex =
        sandbox()
            .start(SandboxRequest.of(policy().build(), List.of("/bin/sh", "-c", "env; read x")))) {
      RunProxy p = asked.get(0);
      assertThat(p.running()).isTrue();
      assertThat(p.directory().getParent()).isEqualTo(runtime.toRealPath());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p.directory())))
          .isEqualTo("rwx------");
      assertThat(Files.exists(p.socket())).isTrue();
      // the sandboxed side, played here: a CONNECT the rules refuse
      try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        c.connect(UnixDomainSocketAddress.of(p.socket()));
        OutputStream out = Channels.newOutputStream(c);
        out.write("CONNECT evil.example:443 HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = Channels.newInputStream(c);
        assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
            .isEqualTo("HTTP/1.1 403");
      }
      ex.stdin().write("\n".getBytes(StandardCharsets.US_ASCII));
      ex.stdin().close();
      String env = new String(ex.stdout().readAllBytes(), StandardCharsets.UTF_8);
      SandboxResult r = ex.waitFor();
      assertThat(env).contains("HTTPS_PROXY=http://127.0.0.1:3128", "NO_PROXY=localhost");
      assertThat(r.exitCode()).isZero();
      assertThat(r.deniedNetworkEvents())
          .extracting(NetworkEvent::summary)
          .containsExactly("denied network access to evil.example:443 (not in the allow-list)");
      assertStoppedAndRemoved();
    }
  }

  @Test
  void aNormalExitStopsTheProxy() {
    SandboxResult r = sandbox().run(policy().build(), List.of("/bin/true"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.networkEvents()).isEmpty();
    assertStoppedAndRemoved();
  }

  @Test
  void aTimeoutStopsTheProxy() {
    SandboxPolicy p =
        policy().resources(ResourceLimits.NONE.withTimeout(Duration.ofMillis(300))).build();
    SandboxResult r = sandbox().run(p, List.of("/bin/sleep", "30"));
    assertThat(r.timedOut()).isTrue();
    assertStoppedAndRemoved();
  }

  @Test
  void aKillStopsTheProxy() {
    try (SandboxExecution ex =
        sandbox().start(SandboxRequest.of(policy().build(), List.of("/bin/sleep", "30")))) {
      assertThat(asked.get(0).running()).isTrue();
      ex.kill();
    }
    assertStoppedAndRemoved();
  }

  @Test
  void aLaunchFailureStopsTheProxy() {
    assertThatThrownBy(() -> sandbox().run(policy().build(), List.of("/no/such/command")))
        .isInstanceOf(SandboxException.class);
    assertStoppedAndRemoved();
  }

  @Test
  void theDirectoryIsNeverInsideAWritableRoot() {
    assertThatThrownBy(
            () ->
                RunProxy.inPrivateDirectory(
                    NetworkRules.parse(List.of("a.example"), List.of()),
                    List.of(workspace.resolve("cache")),
                    List.of(workspace),
                    RunProxy.DEFAULT_PORT))
        .isInstanceOfSatisfying(
            SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(125))
        .hasMessageContaining("inside a writable root");
  }
}
