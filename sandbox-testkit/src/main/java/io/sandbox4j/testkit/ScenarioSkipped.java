package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A scenario cannot run here (a tool is missing, the engine refused its policy in strict mode, the
 * host cannot prepare it); the message says why. Deliberately not JUnit's {@code
 * TestAbortedException}: the runner also works where no test framework is on the class path (the
 * {@code conformance} command). JUnit's and opentest4j's aborts are recognised too.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public class ScenarioSkipped extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScenarioSkipped(String reason) {
    super(reason);
  }
}
