package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How one scenario ended against one backend target: a cell of the matrix.
 *
 * @param scenario the scenario
 * @param target the target's label
 * @param status pass, fail or skip
 * @param message for a failure, what was observed; for a skip, why; empty for a pass
 * @param applicable whether the scenario applies to the target (its platform and declared
 *     features); an applicable required scenario that did not pass means the target does not
 *     conform
 * @param elapsed how long it took
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ScenarioOutcome(
    Scenario scenario,
    String target,
    Status status,
    String message,
    boolean applicable,
    Duration elapsed) {

  /** The three results a cell can hold. */
  public enum Status {
    PASS,
    FAIL,
    SKIP;

    public String displayName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether this cell keeps the target from conforming: a required, applicable, unpassed one. */
  public boolean blocksConformance() {
    return scenario.level() == Level.REQUIRED && applicable && status != Status.PASS;
  }
}
