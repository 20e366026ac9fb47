package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The environment that points a command's tools at the proxy on 127.0.0.1:PORT inside the sandbox.
 * Each variable and who reads it is listed in the module README; loopback stays direct ({@code
 * NO_PROXY}), since the sandbox's own loopback servers and relayed host services are reached there.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ProxyEnvironment {
  /** What stays direct: the sandbox's own loopback. */
  public static final String NO_PROXY = "localhost,127.0.0.1,::1";

  private ProxyEnvironment() {}

  /**
   * The variables to set, given the command's {@code current} environment (an existing {@code
   * JAVA_TOOL_OPTIONS}, {@code MAVEN_OPTS}, {@code GRADLE_OPTS} or {@code GIT_CONFIG_COUNT} is
   * extended, not replaced).
   */
  public static Map<String, String> forPort(int port, Map<String, String> current) {
    String http = "http://127.0.0.1:" + port;
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : new String[] {"HTTP_PROXY", "HTTPS_PROXY"}) {
      env.put(name, http);
      env.put(name.toLowerCase(Locale.ROOT), http);
    }
    // curl reads ALL_PROXY for the schemes without a variable of their own; socks5h: names are
    // resolved by the proxy, never inside (there is no DNS inside).
    env.put("ALL_PROXY", "socks5h://127.0.0.1:" + port);
    env.put("all_proxy", "socks5h://127.0.0.1:" + port);
    env.put("NO_PROXY", NO_PROXY);
    env.put("no_proxy", NO_PROXY);
    String jvm =
        "-Dhttp.proxyHost=127.0.0.1 -Dhttp.proxyPort="
            + port
            + " -Dhttps.proxyHost=127.0.0.1 -Dhttps.proxyPort="
            + port
            + " -Dhttp.nonProxyHosts=localhost|127.0.0.1|[::1]"
            + " -DsocksProxyHost=127.0.0.1 -DsocksProxyPort="
            + port
            + " -DsocksNonProxyHosts=localhost|127.0.0.1|[::1]";
    env.put("JAVA_TOOL_OPTIONS", join(current.get("JAVA_TOOL_OPTIONS"), jvm));
    env.put("MAVEN_OPTS", join(current.get("MAVEN_OPTS"), jvm));
    env.put("GRADLE_OPTS", join(current.get("GRADLE_OPTS"), jvm));
    env.put("npm_config_proxy", http);
    env.put("npm_config_https_proxy", http);
    env.put("npm_config_noproxy", NO_PROXY);
    env.put("CARGO_HTTP_PROXY", http);
    env.put("PIP_PROXY", http);
    int n = 0;
    try {
      n = Math.max(0, Integer.parseInt(current.getOrDefault("GIT_CONFIG_COUNT", "0").trim()));
    } catch (NumberFormatException e) {
      n = 0; // git itself would refuse it; ours replaces it
    }
    env.put("GIT_CONFIG_KEY_" + n, "http.proxy");
    env.put("GIT_CONFIG_VALUE_" + n, http);
    env.put("GIT_CONFIG_COUNT", Integer.toString(n + 1));
    return env;
  }

  private static String join(String existing, String added) {
    return existing == null || existing.isBlank() ? added : existing + " " + added;
  }
}
