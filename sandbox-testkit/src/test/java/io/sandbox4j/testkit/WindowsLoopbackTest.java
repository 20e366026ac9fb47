package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loopback exemption the Windows workflow asks for, against a fake host. */
class WindowsLoopbackTest {
  private final List<List<String>> ran = new ArrayList<>();
  private int exitCode;

  private WindowsLoopback loopback(boolean enabled) {
    return new WindowsLoopback(
        enabled,
        ws -> Optional.of("sandbox4j." + ws.getFileName()),
        command -> {
          ran.add(command);
          return new WindowsLoopback.Outcome(exitCode, exitCode == 0 ? "OK." : "Access is denied.");
        });
  }

  @Test
  void offUnlessAskedFor() {
    loopback(false).exempt(Path.of("ws"));
    assertThat(ran).isEmpty();
    assertThat(System.getProperty(WindowsLoopback.PROPERTY)).isNull();
  }

  @Test
  void exemptsEachProfileOnceAndRemovesTheExemptionsAtTheEnd() {
    WindowsLoopback l = loopback(true);
    l.exempt(Path.of("ws1"));
    l.exempt(Path.of("ws1"));
    l.exempt(Path.of("ws2"));
    assertThat(l.exempted()).containsExactly("sandbox4j.ws1", "sandbox4j.ws2");
    l.close();
    assertThat(ran)
        .containsExactly(
            List.of("CheckNetIsolation.exe", "LoopbackExempt", "-a", "-n=sandbox4j.ws1"),
            List.of("CheckNetIsolation.exe", "LoopbackExempt", "-a", "-n=sandbox4j.ws2"),
            List.of("CheckNetIsolation.exe", "LoopbackExempt", "-d", "-n=sandbox4j.ws1"),
            List.of("CheckNetIsolation.exe", "LoopbackExempt", "-d", "-n=sandbox4j.ws2"));
    assertThat(l.exempted()).isEmpty();
  }

  @Test
  void anExemptionThatCannotBeMadeFailsTheScenario() {
    exitCode = 5;
    assertThatThrownBy(() -> loopback(true).exempt(Path.of("ws")))
        .isInstanceOf(ScenarioFailure.class)
        .hasMessageContaining("sandbox4j.ws")
        .hasMessageContaining("exit 5, Access is denied.")
        .hasMessageContaining("pass for the wrong reason");
  }

  @Test
  void withoutTheWindowsLauncherThereIsNoProfileToExempt() {
    assertThat(WindowsLoopback.launcherProfileName(Path.of("ws"))).isEmpty();
    WindowsLoopback l = new WindowsLoopback(true, WindowsLoopback::launcherProfileName, c -> null);
    assertThatThrownBy(() -> l.exempt(Path.of("ws")))
        .isInstanceOf(ScenarioFailure.class)
        .hasMessageContaining(WindowsLoopback.PLANNER);
  }
}
