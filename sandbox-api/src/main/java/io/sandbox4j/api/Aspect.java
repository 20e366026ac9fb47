package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** The four isolation aspects; every {@link Feature} and every isolator belongs to one. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Aspect {
  FILESYSTEM,
  NETWORK,
  PROCESS,
  RESOURCE;

  /** Lower-case name used in messages, files and the CLI. */
  public String displayName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
