package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValuesTest {
  @ParameterizedTest
  @CsvSource({
    "1024,1024",
    "512k,524288",
    "256m,268435456",
    "2g,2147483648",
    "2G,2147483648",
    "1t,1099511627776",
    "10mb,10485760",
    "10MiB,10485760"
  })
  void sizes(String text, long bytes) {
    assertThat(Values.size("--memory", text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "-1m", "0", "1.5g", "2x", "g", "99999999999999999999", "9999999999t"})
  void badSizesNameTheFlag(String text) {
    assertThatThrownBy(() -> Values.size("--memory", text))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--memory: ");
  }

  @ParameterizedTest
  @CsvSource({
    "500ms,PT0.5S",
    "2s,PT2S",
    "90,PT1M30S",
    "5m,PT5M",
    "1h,PT1H",
    "1d,PT24H",
    "PT10S,PT10S"
  })
  void durations(String text, String iso) {
    assertThat(Values.duration("--timeout", text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0s", "-1s", "soon", "2 weeks", "1.5s", "P-1D"})
  void badDurationsNameTheFlag(String text) {
    assertThatThrownBy(() -> Values.duration("--timeout", text))
        .isInstanceOf(SandboxException.class)
        .hasMessageStartingWith("--timeout: ");
  }

  @Test
  void sizesAndDurationsHaveAnUpperBound() {
    assertThat(Values.size("--memory", "1048576t")).isEqualTo(Values.MAX_SIZE);
    assertThatThrownBy(() -> Values.size("--memory", "1048577t"))
        .hasMessage("--memory: size '1048577t' is too large; at most 1048576t (1 EiB)");
    assertThatThrownBy(() -> Values.size("--memory", "9223372036854775807"))
        .hasMessageContaining("at most 1048576t");
    assertThat(Values.duration("--timeout", "365d")).isEqualTo(Values.MAX_DURATION);
    for (String tooLong : List.of("366d", "99999999999d", "P400D", "99999999999999999999")) {
      assertThatThrownBy(() -> Values.duration("--timeout", tooLong))
          .isInstanceOfSatisfying(
              SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
          .hasMessage("--timeout: duration '" + tooLong + "' is too long; at most 365d");
    }
  }

  @ParameterizedTest
  @CsvSource({
    "many,'--max-procs: ''many'' is not a whole number'",
    "1.5,'--max-procs: ''1.5'' is not a whole number'",
    "0,'--max-procs: must be at least 1, got 0'",
    "-99999999999999999999,'--max-procs: must be at least 1, got -99999999999999999999'",
    "11,'--max-procs: must be at most 10, got 11'",
    "2147483648,'--max-procs: must be at most 10, got 2147483648'",
    "99999999999999999999,'--max-procs: must be at most 10, got 99999999999999999999'"
  })
  void countsStayInTheirRange(String text, String message) {
    assertThatThrownBy(() -> Values.count("--max-procs", text, 1, 10, ""))
        .isInstanceOf(SandboxException.class)
        .hasMessage(message);
  }

  @Test
  void countsInRangeAreAccepted() {
    assertThat(Values.count("--max-procs", "1", 1, 10, "")).isEqualTo(1);
    assertThat(Values.count("--max-procs", " 10 ", 1, 10, "")).isEqualTo(10);
  }
}
