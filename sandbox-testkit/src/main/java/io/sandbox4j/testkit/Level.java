package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** How binding a scenario is, as in the Reactive Streams TCK. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Level {
  /**
   * A backend that declares the scenario's features must pass it; a failure fails the suite and the
   * {@code conformance} command exits non-zero.
   */
  REQUIRED,
  /**
   * Hardening beyond what the feature promises, or a case known mechanisms cannot yet meet on every
   * kernel: a failure is reported as skipped with what was observed, and does not fail the suite.
   */
  OPTIONAL;

  public String displayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
