package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.testkit.ScenarioOutcome.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The matrix of a conformance run: every scenario against every target, pass / fail / skip with the
 * reason; as JSON and as a table for people.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class ConformanceReport {
  private final List<TargetInfo> targets;
  private final List<Scenario> scenarios;
  private final List<ScenarioOutcome> outcomes;

  /**
   * One column: a target and what it declares on this host.
   *
   * @param label the column name
   * @param backendIds chosen backend ids; empty for the automatic combination
   * @param declared features its available isolators enforce (the built-in ones included)
   * @param notes isolators of the chosen backends that are unavailable here, with the reason
   */
  public record TargetInfo(
      String label, List<String> backendIds, Set<Feature> declared, List<String> notes) {
    public TargetInfo {
      backendIds = List.copyOf(backendIds);
      declared = Set.copyOf(declared);
      notes = List.copyOf(notes);
    }
  }

  ConformanceReport(
      List<TargetInfo> targets, List<Scenario> scenarios, List<ScenarioOutcome> outcomes) {
    this.targets = List.copyOf(targets);
    this.scenarios = List.copyOf(scenarios);
    this.outcomes = List.copyOf(outcomes);
  }

  public List<TargetInfo> targets() {
    return targets;
  }

  public List<Scenario> scenarios() {
    return scenarios;
  }

  public List<ScenarioOutcome> outcomes() {
    return outcomes;
  }

  /** The cell for one scenario (by test name) and target label. */
  public Optional<ScenarioOutcome> outcome(String testName, String target) {
    return outcomes.stream()
        .filter(o -> o.scenario().testName().equals(testName) && o.target().equals(target))
        .findFirst();
  }

  /** The cells with this status. */
  public List<ScenarioOutcome> withStatus(Status status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }

  /** The cells that keep a target from conforming (required, applicable, not passed). */
  public List<ScenarioOutcome> blocking() {
    return outcomes.stream().filter(ScenarioOutcome::blocksConformance).toList();
  }

  /** Whether every applicable required scenario passed against every target. */
  public boolean conforms() {
    return blocking().isEmpty();
  }

  /** The matrix as JSON. */
  public String toJson() {
    JsonMapper mapper = JsonMapper.builder().build();
    ObjectNode root = mapper.createObjectNode();
    root.put("conforms", conforms());
    root.put("platform", Platform.current().displayName());
    ArrayNode ts = root.putArray("targets");
    for (TargetInfo t : targets) {
      ObjectNode n = ts.addObject();
      n.put("label", t.label());
      n.put("automatic", t.backendIds().isEmpty());
      ArrayNode ids = n.putArray("backends");
      t.backendIds().forEach(ids::add);
      ArrayNode declared = n.putArray("declared");
      t.declared().stream().sorted().forEach(f -> declared.add(f.name()));
      ArrayNode notes = n.putArray("notes");
      t.notes().forEach(notes::add);
      ObjectNode counts = n.putObject("counts");
      for (Status s : Status.values()) {
        counts.put(
            s.displayName(),
            outcomes.stream().filter(o -> o.target().equals(t.label()) && o.status() == s).count());
      }
    }
    ArrayNode ss = root.putArray("scenarios");
    for (Scenario s : scenarios) {
      ObjectNode n = ss.addObject();
      n.put("name", s.testName());
      n.put("level", s.level().displayName());
      n.put("category", s.category().displayName());
      n.put("platform", s.platform().displayName());
      ArrayNode fs = n.putArray("features");
      s.features().stream().sorted().forEach(f -> fs.add(f.name()));
      n.put("description", s.description());
      ObjectNode results = n.putObject("results");
      for (ScenarioOutcome o : outcomes) {
        if (o.scenario() == s) {
          ObjectNode r = results.putObject(o.target());
          r.put("status", o.status().displayName());
          r.put("applicable", o.applicable());
          r.put("message", o.message());
          r.put("millis", o.elapsed().toMillis());
        }
      }
    }
    return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
  }

  /**
   * The matrix for people: one row per scenario, one column per target, then the reason for every
   * failure and skip that is not just "another platform".
   */
  public String toTable() {
    int width = "scenario".length();
    for (Scenario s : scenarios) {
      width = Math.max(width, s.testName().length());
    }
    List<Integer> colWidths = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    sb.append(pad("scenario", width));
    for (TargetInfo t : targets) {
      int w = Math.max(6, t.label().length());
      colWidths.add(w);
      sb.append("  ").append(pad(t.label(), w));
    }
    sb.append('\n');
    for (Scenario s : scenarios) {
      sb.append(pad(s.testName(), width));
      for (int i = 0; i < targets.size(); i++) {
        String cell =
            outcome(s.testName(), targets.get(i).label()).map(o -> o.status().name()).orElse("-");
        sb.append("  ").append(pad(cell, colWidths.get(i)));
      }
      sb.append('\n');
    }
    sb.append('\n');
    for (TargetInfo t : targets) {
      long pass = count(t, Status.PASS);
      long fail = count(t, Status.FAIL);
      long skip = count(t, Status.SKIP);
      long blocking =
          outcomes.stream()
              .filter(o -> o.target().equals(t.label()) && o.blocksConformance())
              .count();
      sb.append(t.label())
          .append(
              t.backendIds().isEmpty()
                  ? " (automatic combination)"
                  : " (backends " + String.join(", ", t.backendIds()) + ")")
          .append(": ")
          .append(pass)
          .append(" passed, ")
          .append(fail)
          .append(" failed, ")
          .append(skip)
          .append(" skipped; ")
          .append(blocking == 0 ? "conforms" : blocking + " required scenario(s) not passed")
          .append('\n');
      for (String note : t.notes()) {
        sb.append("  note: ").append(note).append('\n');
      }
    }
    List<ScenarioOutcome> explained =
        outcomes.stream()
            .filter(o -> o.status() != Status.PASS)
            .filter(
                o ->
                    !(o.status() == Status.SKIP
                        && o.message().startsWith("requires ")
                        && !o.applicable()))
            .toList();
    if (!explained.isEmpty()) {
      sb.append("\nReasons:\n");
      for (ScenarioOutcome o : explained) {
        sb.append("  ")
            .append(o.status().name())
            .append(" [")
            .append(o.target())
            .append("] ")
            .append(o.scenario().testName())
            .append(": ")
            .append(o.message().replace('\n', ' '))
            .append('\n');
      }
    }
    return sb.toString();
  }

  private long count(TargetInfo t, Status s) {
    return outcomes.stream().filter(o -> o.target().equals(t.label()) && o.status() == s).count();
  }

  private static String pad(String s, int w) {
    return s.length() >= w ? s : s + " ".repeat(w - s.length());
  }
}
