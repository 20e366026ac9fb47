package io.sandbox4j.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
  @ParameterizedTest
  @CsvSource({
    "example.com, example.com, -1",
    "example.com:443, example.com, 443",
    "10.0.0.1:22, 10.0.0.1, 22",
    "[::1]:8080, ::1, 8080",
    "[2001:db8::1], 2001:db8::1, -1",
    "2001:db8::1, 2001:db8::1, -1"
  })
  void parses(String entry, String host, int port) {
    HostPort hp = HostPort.parse(entry);
    assertThat(hp.host()).isEqualTo(host);
    assertThat(hp.port().orElse(-1)).isEqualTo(port);
    assertThat(HostPort.parse(hp.toString())).isEqualTo(hp);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":80",
        "host:0",
        "host:65536",
        "host:http",
        "[::1",
        "[::1]x",
        "bad host",
        "a/b"
      })
  void rejects(String entry) {
    assertThatThrownBy(() -> HostPort.parse(entry))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2));
  }
}
