package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.testkit.BackendUnderTest;
import io.sandbox4j.testkit.ConformanceReport;
import io.sandbox4j.testkit.ConformanceRunner;
import io.sandbox4j.testkit.Scenario;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox conformance [--backend ID]... [--json]}: runs the conformance catalogue on this
 * machine against each backend alone (for its aspects) and against the automatic combination, and
 * prints the matrix. Exit 0 only when every required scenario that applies passed; 1 when one did
 * not; 2 for an unknown backend; 125 when the backends cannot even be loaded.
 */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = {
      "Run the adversarial conformance catalogue against each backend alone and against the"
          + " automatic combination, and print the matrix scenario x backend (pass / fail / skip"
          + " with the reason).",
      "Exit 0 only when every required scenario that applies passed."
    })
public final class ConformanceCommand implements Callable<Integer> {
  /** Exit code when a required scenario did not pass. */
  static final int EXIT_NOT_CONFORMING = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--backend",
      paramLabel = "ID",
      description =
          "Backend to judge alone (repeatable); default: every available backend. The automatic"
              + " combination is always judged too.")
  List<String> backends = new ArrayList<>();

  @Option(names = "--json", description = "Print the matrix as JSON.")
  boolean json;

  private final List<BackendProvider> providers;
  private final Predicate<Scenario> scenarios;

  /** Discovers backends on the class path, as {@code Sandbox.create()} does. */
  public ConformanceCommand() {
    this(null, s -> true);
  }

  /** Explicit backend providers instead of discovery (tests), and a scenario filter. */
  ConformanceCommand(List<BackendProvider> providers, Predicate<Scenario> scenarios) {
    this.providers = providers == null ? null : List.copyOf(providers);
    this.scenarios = scenarios;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Sandbox sandbox = providers == null ? Sandbox.create() : Sandbox.create(providers);
      List<String> ids = new ArrayList<>();
      if (backends.isEmpty()) {
        for (SandboxBackend b : sandbox.registry().backends()) {
          if (b.id().equals("core")) {
            continue;
          }
          if (b.isolators().stream().map(Isolator::probe).anyMatch(a -> a.available())) {
            ids.add(b.id());
          } else {
            err.println(
                "conformance: backend '"
                    + b.id()
                    + "' is unavailable here and is not judged alone");
          }
        }
      } else {
        for (String id : backends) {
          sandbox.registry().backend(id); // unknown ids fail here (exit 2) with the known ones
          if (!ids.contains(id)) {
            ids.add(id);
          }
        }
      }
      List<BackendUnderTest> targets = new ArrayList<>();
      for (String id : ids) {
        targets.add(target(id, List.of(id)));
      }
      targets.add(target("automatic", List.of()));
      ConformanceReport report =
          ConformanceRunner.builder()
              .targets(targets)
              .filter(scenarios)
              .progress(
                  line -> {
                    err.println("conformance: " + line);
                    err.flush();
                  })
              .build()
              .run();
      out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
      out.flush();
      if (!report.conforms()) {
        err.println(
            "conformance: "
                + report.blocking().size()
                + " required scenario(s) did not pass; the matrix says which and why");
        return EXIT_NOT_CONFORMING;
      }
      return 0;
    } catch (SandboxException e) {
      err.println("conformance: " + e.getMessage());
      return e.exitCode();
    }
  }

  private BackendUnderTest target(String label, List<String> ids) {
    if (providers == null) {
      return ids.isEmpty() ? BackendUnderTest.automatic() : BackendUnderTest.discovered(ids.get(0));
    }
    return BackendUnderTest.of(label, providers, ids);
  }
}
