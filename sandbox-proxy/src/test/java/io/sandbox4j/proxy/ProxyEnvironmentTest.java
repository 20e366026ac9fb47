package io.sandbox4j.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyEnvironmentTest {
  @Test
  void everyToolGetsTheProxyAndLoopbackStaysDirect() {
    Map<String, String> env = ProxyEnvironment.forPort(3128, Map.of());
    for (String name :
        new String[] {
          "HTTP_PROXY",
          "http_proxy",
          "HTTPS_PROXY",
          "https_proxy",
          "npm_config_proxy",
          "npm_config_https_proxy",
          "CARGO_HTTP_PROXY",
          "PIP_PROXY",
          "GIT_CONFIG_VALUE_0"
        }) {
      assertThat(env).as(name).containsEntry(name, "http://127.0.0.1:3128");
    }
    assertThat(env)
        .containsEntry("ALL_PROXY", "socks5h://127.0.0.1:3128")
        .containsEntry("all_proxy", "socks5h://127.0.0.1:3128")
        .containsEntry("NO_PROXY", "localhost,127.0.0.1,::1")
        .containsEntry("no_proxy", "localhost,127.0.0.1,::1")
        .containsEntry("GIT_CONFIG_COUNT", "1")
        .containsEntry("GIT_CONFIG_KEY_0", "http.proxy");
    assertThat(env.get("JAVA_TOOL_OPTIONS"))
        .contains(
            "-Dhttp.proxyHost=127.0.0.1",
            "-Dhttps.proxyPort=3128",
            "-DsocksProxyPort=3128",
            "-Dhttp.nonProxyHosts=localhost|127.0.0.1|[::1]");
    assertThat(env.get("MAVEN_OPTS")).isEqualTo(env.get("JAVA_TOOL_OPTIONS"));
  }

  @Test
  void existingJvmOptionsAndGitConfigEntriesAreExtendedNotReplaced() {
    Map<String, String> env =
        ProxyEnvironment.forPort(
            4000,
            Map.of(
                "JAVA_TOOL_OPTIONS", "-Xmx1g",
                "GIT_CONFIG_COUNT", "2",
                "GIT_CONFIG_KEY_1", "core.pager"));
    assertThat(env.get("JAVA_TOOL_OPTIONS")).startsWith("-Xmx1g -Dhttp.proxyHost=127.0.0.1");
    assertThat(env)
        .containsEntry("GIT_CONFIG_COUNT", "3")
        .containsEntry("GIT_CONFIG_KEY_2", "http.proxy")
        .containsEntry("GIT_CONFIG_VALUE_2", "http://127.0.0.1:4000")
        .doesNotContainKey("GIT_CONFIG_KEY_1");
  }
}
