package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import java.time.Duration;
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
}
