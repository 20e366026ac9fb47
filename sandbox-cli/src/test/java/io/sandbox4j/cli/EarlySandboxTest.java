package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.core.Sandbox;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EarlySandboxTest {
  @Test
  void theSandboxIsWiredOnItsOwnThreadAndHandedOverOnce() {
    List<String> wiredOn = new CopyOnWriteArrayList<>();
    EarlySandbox early =
        EarlySandbox.start(
            () -> {
              wiredOn.add(Thread.currentThread().getName());
              return Sandbox.create(List.of(new CliTest.PretendProvider()));
            });
    Sandbox sandbox = early.get();
    assertThat(sandbox.registry().backend("pretend")).isNotNull();
    assertThat(early.get()).isSameAs(sandbox);
    assertThat(wiredOn).containsExactly("sandbox4j-early-wiring");
  }

  @Test
  void aWiringFailureSurfacesUnchangedWhereTheSandboxIsAskedFor() {
    SandboxException failure = SandboxException.cannotSandbox("backend wiring failed: test");
    EarlySandbox early =
        EarlySandbox.start(
            () -> {
              throw failure;
            });
    assertThatThrownBy(early::get).isSameAs(failure);
    assertThat(failure.exitCode()).isEqualTo(SandboxException.EXIT_CANNOT_SANDBOX);
  }

  @Test
  void anErrorInTheWiringIsRethrownAsItself() {
    AssertionError broken = new AssertionError("wiring broke");
    EarlySandbox early =
        EarlySandbox.start(
            () -> {
              throw broken;
            });
    assertThatThrownBy(early::get).isSameAs(broken);
  }
}
