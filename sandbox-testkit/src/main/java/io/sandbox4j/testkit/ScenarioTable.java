package io.sandbox4j.testkit;

import io.sandbox4j.api.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A family of scenarios declared as a table: {@link #judging} starts a section (the features its
 * rows judge and, unless the whole table runs on one platform, the platform they run on), and each
 * row under it is one scenario: name, description, body. Rows keep their order; every row is built
 * by {@link Scenario#builder}, so a row is the same scenario a hand-written builder chain would
 * make.
 */
final class ScenarioTable {
  private final Category category;
  private final List<Scenario> rows = new ArrayList<>();
  private Feature[] judged = {};
  private Platform platform = Platform.ANY;

  /** A table whose rows take their category from the first feature they judge. */
  ScenarioTable() {
    this.category = null;
  }

  /** A table whose rows all belong to {@code category}, whatever they judge. */
  ScenarioTable(Category category) {
    this.category = category;
  }

  /** A table whose rows all run on {@code platform} (sections then name only features). */
  ScenarioTable(Platform platform) {
    this();
    this.platform = platform;
  }

  /** Starts a section: the rows below judge {@code features} (none: functional) on {@code on}. */
  ScenarioTable judging(Platform on, Feature... features) {
    this.platform = on;
    this.judged = features.clone();
    return this;
  }

  /** Starts a section on the current platform: the rows below judge these features. */
  ScenarioTable judging(Feature first, Feature... more) {
    return judging(platform, concat(first, more));
  }

  private static Feature[] concat(Feature first, Feature... more) {
    Feature[] all = new Feature[more.length + 1];
    all[0] = first;
    System.arraycopy(more, 0, all, 1, more.length);
    return all;
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
