package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.testkit.Scenario;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ConformanceCommandTest {

  /** Claims no network and enforces nothing. */
  public static final class LeakyBackend implements SandboxBackend {
    @Override
    public String id() {
      return "leaky";
    }

    @Override
    public String description() {
      return "claims no network, leaks it";
    }

    @Override
    public List<Isolator> isolators() {
      return List.of(
          new Isolator() {
            @Override
            public String id() {
              return "network";
            }

            @Override
            public Aspect aspect() {
              return Aspect.NETWORK;
            }

            @Override
            public Set<Feature> features() {
              return Set.of(Feature.NET_DENY_ALL);
            }

            @Override
            public Availability probe() {
              return Availability.available("fake");
            }

            @Override
            public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {}
          });
    }
  }

  /** Provides the leaky fake. */
  public static final class LeakyProvider implements BackendProvider {
    @Override
    public List<SandboxBackend> backends(BackendContext context) {
      return List.of(new LeakyBackend());
    }
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(Predicate<Scenario> filter, String... args) {
    List<BackendProvider> modules = List.of(new LeakyProvider());
    CommandLine cl = new CommandLine(new ConformanceCommand(modules, filter));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void unknownBackendIsABadFlag() {
    Run r = run(s -> true, "--backend", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("unknown backend 'nope'").contains("leaky");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void lyingBackendMakesTheCommandFailWithTheMatrixAsJson() {
    Run r =
        run(
            s -> s.testName().equals("required_network_probeTcpConnectIsRefused"),
            "--backend",
            "leaky",
            "--json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode root = JsonMapper.builder().build().readTree(r.out());
    assertThat(root.get("conforms").asBoolean()).isFalse();
    assertThat(root.get("targets")).hasSize(2);
    JsonNode results = root.get("scenarios").get(0).get("results");
    assertThat(results.get("leaky").get("status").asString()).isEqualTo("fail");
    assertThat(results.get("leaky").get("message").asString()).contains("accepted a connection");
    // The automatic combination cannot enforce the default policy with only this fake: not run,
    // and that keeps the machine from conforming too.
    assertThat(results.get("automatic").get("status").asString()).isEqualTo("skip");
    assertThat(results.get("automatic").get("message").asString())
        .contains("the engine refused the scenario's policy");
    assertThat(r.err()).contains("required scenario(s) did not pass");
  }

  @Test
  void everyRequiredScenarioPassingExitsZeroWithATable() {
    // The refusal checks pass against any honest engine: the leaky fake lies only about the
    // network.
    Run r = run(s -> s.refusal() && !s.features().contains(Feature.NET_DENY_ALL));
    assertThat(r.exit()).as(r.err() + r.out()).isZero();
    assertThat(r.out().lines().findFirst().orElseThrow()).contains("leaky").contains("automatic");
    assertThat(r.out()).contains("required_filesystem_undeclaredFsWriteConfinementIsRefused");
  }

  @Test
  void helpNamesTheOptions() {
    Run r = run(s -> true, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--backend=ID").contains("--json");
  }
}
