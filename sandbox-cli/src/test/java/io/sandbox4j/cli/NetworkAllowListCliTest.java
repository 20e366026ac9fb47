package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.proxy.NetworkRules;
import io.sandbox4j.proxy.RunProxy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI side of network allow-lists: the denial lines at the end of {@code run}, {@code
 * --report}, {@code explain}, and the refusal with Landlock alone. A test backend asks for the
 * run's proxy as the namespaces backend does, without confining anything, so the command (python3)
 * plays a sandboxed client on the proxy's unix socket. In this JVM and through the engine ({@link
 * CliRunner}).
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason =
        "runs /usr/bin/python3 as the sandboxed client; network allow-lists are enforced on Linux only")
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class NetworkAllowListCliTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path dir;
  @TempDir Path runtime;

  /** XDG_CACHE_HOME, outside the workspace: the engine's directory may not be writable. */
  @TempDir Path cache;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Claims every feature; its isolator asks for the run's proxy and tells the command where. */
  private PretendBackend proxyAskingBackend() {
    return new PretendBackend(
        "proxyasking",
        "test double asking for the run's proxy",
        "network",
        Aspect.NETWORK,
        (policy, spec) -> {
          RunProxy p =
              RunProxy.inPrivateDirectory(
                  NetworkRules.parse(policy.network().rules(), policy.network().deny()),
                  List.of(runtime),
                  policy.filesystem().allWritableRoots(),
                  RunProxy.DEFAULT_PORT);
          spec.onCleanup(p::stop);
          spec.extension(RunProxy.class, () -> p);
          spec.environment().put("PROXY_SOCKET", p.socket().toString());
        });
  }

  private int run(Supplier<Sandbox> sandbox, String... args) {
    Map<String, String> env =
        Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "XDG_CACHE_HOME", cache.toString());
    return CLI.execute(
        mode, env, dir, sandbox, new PrintWriter(out, true), new PrintWriter(err, true), args);
  }

  private int runWithProxy(String... args) {
    BackendProvider provider =
        new BackendProvider() {
          @Override
          public List<SandboxBackend> backends(BackendContext context) {
            return List.of(proxyAskingBackend());
          }
        };
    return run(() -> Sandbox.create(List.of(provider)), args);
  }

  @Test
  void runPrintsEachDenialAtTheEndAndTheReportNamesEveryAttempt() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/python3")), "requires /usr/bin/python3");
    String client =
        "import os,socket\n"
            + "for dest in ('evil.example:443','listed.example:8443'):\n"
            + "  s=socket.socket(socket.AF_UNIX);s.settimeout(10)\n"
            + "  s.connect(os.environ['PROXY_SOCKET'])\n"
            + "  s.sendall(('CONNECT %s HTTP/1.1\\r\\n\\r\\n' % dest).encode())\n"
            + "  s.recv(12);s.close()\n";
    Path report = dir.resolve("report.json");
    int code =
        runWithProxy(
            "run",
            "--net",
            "allow=listed.example",
            "--report",
            report.toString(),
            "--",
            "/usr/bin/python3",
            "-c",
            client);
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains("sandbox: denied network access to evil.example:443 (not in the allow-list)")
        .contains("sandbox: denied network access to listed.example:8443");
    JsonNode r = JsonMapper.builder().build().readTree(Files.readString(report));
    assertThat(r.get("version").asInt()).isEqualTo(1);
    assertThat(r.get("exitCode").asInt()).isZero();
    assertThat(r.get("policy").get("network").get("mode").asString()).isEqualTo("allow");
    assertThat(r.get("policy").get("network").get("allow").get(0).asString())
        .isEqualTo("listed.example");
    assertThat(r.get("network")).hasSize(2);
    assertThat(r.get("network").get(0).get("host").asString()).isEqualTo("evil.example");
    assertThat(r.get("network").get(0).get("outcome").asString()).isEqualTo("denied");
    assertThat(r.get("network").get(1).get("port").asInt()).isEqualTo(8443);
    assertThat(r.get("durationMillis").asLong()).isNotNegative();
  }

  @Test
  void landlockAloneRefusesAnAllowListWith125() {
    assertThat(
            run(
                Sandbox::create,
                "run",
                "--backend",
                "landlock",
                "--net",
                "allow=example.com",
                "--",
                "touch",
                "marker"))
        .isEqualTo(125);
    assertThat(err.toString()).contains("network allow-list (NET_ALLOWLIST)", "nothing was run");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  @Test
  void explainPrintsTheRulesAndHowTheyAreEnforced() {
    assertThat(
            runWithProxy(
                "explain",
                "--net",
                "allow=*.example.com,10.0.0.0/8",
                "--net-deny",
                "x.example.com"))
        .isZero();
    assertThat(out.toString())
        .contains("mode:            allow [*.example.com, 10.0.0.0/8]")
        .contains("deny:            [x.example.com]")
        .contains("filtering proxy outside the sandbox");
  }
}
