package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLinesTest {

  @Test
  void quotesLikeCommandLineToArgvW() {
    assertThat(CommandLines.join(List.of("cmd.exe", "/c", "echo hi")))
        .isEqualTo("cmd.exe /c \"echo hi\"");
    assertThat(CommandLines.join(List.of("a\"b"))).isEqualTo("\"a\\\"b\"");
    assertThat(CommandLines.join(List.of("C:\\dir x\\"))).isEqualTo("\"C:\\dir x\\\\\"");
    assertThat(CommandLines.join(List.of("C:\\plain\\"))).isEqualTo("C:\\plain\\");
    assertThat(CommandLines.join(List.of(""))).isEqualTo("\"\"");
    assertThatThrownBy(() -> CommandLines.join(List.of("a\0b")))
        .hasMessageContaining("NUL character");
  }

  @Test
  void environmentBlockIsSortedCaseInsensitivelyAndDoubleNulTerminated() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("b", "2");
    env.put("A", "1");
    assertThat(new String(CommandLines.environmentBlock(env))).isEqualTo("A=1\0b=2\0\0");
    assertThat(new String(CommandLines.environmentBlock(Map.of()))).isEqualTo("\0\0");
    assertThatThrownBy(() -> CommandLines.environmentBlock(Map.of("X=Y", "1")))
        .hasMessage("invalid environment variable name 'X=Y'");
  }

  @Test
  void essentialWindowsVariablesAreAddedOnlyWhenMissing() {
    Map<String, String> caller =
        Map.of(
            "SYSTEMROOT",
            "C:\\Windows",
            "ComSpec",
            "C:\\Windows\\system32\\cmd.exe",
            "SECRET",
            "x");
    Map<String, String> env = CommandLines.withEssentials(Map.of("comspec", "mine"), caller);
    assertThat(env)
        .containsEntry("SystemRoot", "C:\\Windows")
        .containsEntry("comspec", "mine")
        .doesNotContainKey("ComSpec")
        .doesNotContainKey("SECRET");
  }
}
