package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Aspect;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * What a scenario is about: the four isolation aspects, the environment (part of the process aspect
 * but judged on its own), the engine's refusals, and functional scenarios that prove ordinary work
 * is not over-blocked.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Category {
  FILESYSTEM,
  NETWORK,
  PROCESS,
  RESOURCE,
  ENVIRONMENT,
  /** The engine refuses a policy needing a feature the backend under test does not declare. */
  REFUSAL,
  /** Nothing ordinary is over-blocked. */
  FUNCTIONAL;

  /** The category of a feature's own aspect. */
  public static Category of(Aspect aspect) {
    return switch (aspect) {
      case FILESYSTEM -> FILESYSTEM;
      case NETWORK -> NETWORK;
      case PROCESS -> PROCESS;
      case RESOURCE -> RESOURCE;
    };
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
