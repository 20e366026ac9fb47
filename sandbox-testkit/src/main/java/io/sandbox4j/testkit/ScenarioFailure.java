package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** A scenario observed what must not happen; the message says what, seen from outside. */
@API(status = EXPERIMENTAL, since = "0.1")
public class ScenarioFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  public ScenarioFailure(String observed) {
    super(observed);
  }
}
