package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CliContextTest {
  @Test
  void theCallersLcAllComesBackInPlaceOfTheJvmsUtf8Locale() {
    Map<String, String> env =
        CliContext.callerEnvironment(
            Map.of("LC_ALL", "C.UTF-8", CliContext.CALLER_LC_ALL, "=C", "LANG", "C"));
    assertThat(env).containsEntry("LC_ALL", "C").containsEntry("LANG", "C");
    assertThat(env).doesNotContainKey(CliContext.CALLER_LC_ALL);
  }

  @Test
  void anLcAllTheCallerDidNotSetIsRemoved() {
    Map<String, String> env =
        CliContext.callerEnvironment(
            Map.of("LC_ALL", "C.UTF-8", CliContext.CALLER_LC_ALL, "unset", "LANG", "de_DE"));
    assertThat(env).doesNotContainKeys("LC_ALL", CliContext.CALLER_LC_ALL);
    assertThat(env).containsEntry("LANG", "de_DE");
  }

  @Test
  void anEmptyLcAllStaysEmpty() {
    Map<String, String> env =
        CliContext.callerEnvironment(Map.of("LC_ALL", "C.UTF-8", CliContext.CALLER_LC_ALL, "="));
    assertThat(env).containsEntry("LC_ALL", "");
  }

  @Test
  void withoutTheScriptTheEnvironmentIsTheJvms() {
    Map<String, String> jvm = Map.of("LC_ALL", "C", "TERM", "dumb");
    assertThat(CliContext.callerEnvironment(jvm)).isEqualTo(jvm);
  }
}
