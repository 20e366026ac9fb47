package io.sandbox4j.testkit;

/**
 * One family of scenarios in the {@link Catalogue} (filesystem, network, ...): it declares its
 * scenarios into a fresh {@link ScenarioTable}, which the catalogue collects in report order.
 */
interface ScenarioGroup {
  void declare(ScenarioTable table);
}
