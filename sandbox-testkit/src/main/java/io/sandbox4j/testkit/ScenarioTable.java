package io.sandbox4j.testkit;

import io.sandbox4j.api.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A family of scenarios declared as a table: {@link #judging} starts a section (the features its
 * rows judge and the platform they run on), and each row under it is one scenario: name,
 * description, body. Rows keep their order; every row is built by {@link Scenario#builder}, so a
 * row is the same scenario a hand-written builder chain would make. The {@link Catalogue} gives
 * each {@link ScenarioGroup} a table of its own.
 */
final class ScenarioTable {
  private final List<Scenario> rows = new ArrayList<>();
  private Category category;
  private Feature[] judged = {};
  private Platform platform = Platform.ANY;

  /**
   * The rows below belong to {@code category}, whatever they judge (by default a row takes its
   * category from the first feature it judges).
   */
  ScenarioTable inCategory(Category category) {
    this.category = category;
    return this;
  }

  /** Starts a section: the rows below judge {@code features} (none: functional) on {@code on}. */
  ScenarioTable judging(Platform on, Feature... features) {
    this.platform = on;
    this.judged = features.clone();
    return this;
  }

  /** A required scenario of the current section. */
  ScenarioTable row(String name, String description, Scenario.Body body) {
    rows.add(builder(name, description).body(body));
    return this;
  }

  /** An optional scenario of the current section (see {@link Level#OPTIONAL}). */
  ScenarioTable optionalRow(String name, String description, Scenario.Body body) {
    rows.add(builder(name, description).optional().body(body));
    return this;
  }

  /** A required scenario of the current section that loads the machine and must run alone. */
  ScenarioTable exclusiveRow(String name, String description, Scenario.Body body) {
    rows.add(builder(name, description).exclusive().body(body));
    return this;
  }

  /**
   * Rows a helper declares, for scenarios that differ only in data (the same attack over IPv4 and
   * IPv6, say); they join the current section.
   */
  ScenarioTable rows(Consumer<ScenarioTable> declare) {
    declare.accept(this);
    return this;
  }

  /** Scenarios built elsewhere, added as they are (sections do not apply to them). */
  ScenarioTable add(Scenario... scenarios) {
    rows.addAll(Arrays.asList(scenarios));
    return this;
  }

  List<Scenario> scenarios() {
    return List.copyOf(rows);
  }

  private Scenario.Builder builder(String name, String description) {
    Scenario.Builder b = Scenario.builder(name).platform(platform).description(description);
    if (category != null) {
      b.category(category);
    }
    if (judged.length > 0) {
      b.judges(judged[0], Arrays.copyOfRange(judged, 1, judged.length));
    }
    return b;
  }
}
