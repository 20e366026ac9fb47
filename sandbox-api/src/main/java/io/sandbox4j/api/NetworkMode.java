package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/** How much network a sandbox gets. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum NetworkMode {
  /** No network at all (the default). */
  NONE,
  /** Only the allow-listed destinations. */
  ALLOW,
  /** Unrestricted network. */
  ALL
}
