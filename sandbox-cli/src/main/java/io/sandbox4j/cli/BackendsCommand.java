package io.sandbox4j.cli;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code sandbox backends [--json]}: every backend, its isolators, availability and reason. */
@Command(
    name = "backends",
    mixinStandardHelpOptions = true,
    description =
        "Lists every installed backend, its isolators, what each enforces, and whether"
            + " it works on this host (and if not, why).")
final class BackendsCommand implements Callable<Integer> {
  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Spec CommandSpec spec;

  private final CliContext context;

  BackendsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<SandboxBackend> backends = context.sandbox().registry().backends();
    List<Launcher> launchers = context.sandbox().registry().launchers();
    if (json) {
      out.println(
          JsonMapper.builder()
              .build()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(toJson(backends, launchers)));
    } else {
      for (SandboxBackend b : backends) {
        out.printf("%s - %s%n", b.id(), b.description());
        for (Isolator i : b.isolators()) {
          Availability a = i.probe();
          out.printf(
              "  %-12s %-10s %s%n",
              i.id(), i.aspect().displayName(), a.available() ? "available" : "UNAVAILABLE");
          out.printf("  %12s enforces: %s%n", "", features(i));
          if (!a.detail().isBlank()) {
            out.printf("  %12s %s%n", "", a.detail());
          }
        }
      }
      out.println("launchers:");
      for (Launcher l : launchers) {
        Availability a = l.probe();
        out.printf(
            "  %-16s %s%s%n",
            l.id(),
            a.available() ? "available" : "UNAVAILABLE",
            a.detail().isBlank() ? "" : " - " + a.detail());
      }
    }
    out.flush();
    return 0;
  }

  private static String features(Isolator i) {
    List<String> names = new ArrayList<>();
    for (Feature f : Feature.values()) {
      if (i.features().contains(f)) {
        names.add(f.name());
      }
    }
    return names.isEmpty() ? "(nothing on this host)" : String.join(", ", names);
  }

  /** The backends and launchers as JSON values; {@code sandbox mcp}'s list_backends uses it. */
  static Map<String, Object> toJson(List<SandboxBackend> backends, List<Launcher> launchers) {
    List<Object> bs = new ArrayList<>();
    for (SandboxBackend b : backends) {
      List<Object> is = new ArrayList<>();
      for (Isolator i : b.isolators()) {
        Availability a = i.probe();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", i.id());
        m.put("aspect", i.aspect().displayName());
        m.put("features", i.features().stream().map(Enum::name).sorted().toList());
        m.put("available", a.available());
        m.put("detail", a.detail());
        is.add(m);
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", b.id());
      m.put("description", b.description());
      m.put("priority", b.priority());
      m.put("available", b.isolators().stream().anyMatch(i -> i.probe().available()));
      m.put("isolators", is);
      bs.add(m);
    }
    List<Object> ls = new ArrayList<>();
    for (Launcher l : launchers) {
      Availability a = l.probe();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", l.id());
      m.put("available", a.available());
      m.put("detail", a.detail());
      ls.add(m);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("backends", bs);
    root.put("launchers", ls);
    return root;
  }
}
