package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * An isolator chosen for a run, with the backend it belongs to and the features it owns in that
 * run: it alone enforces them.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SelectedIsolator(SandboxBackend backend, Isolator isolator, Set<Feature> owned) {

  public SelectedIsolator {
    if (owned.isEmpty()) {
      throw new IllegalArgumentException(backend.id() + "/" + isolator.id() + " owns no feature");
    }
    owned = Collections.unmodifiableSet(EnumSet.copyOf(owned));
  }

  /** {@code backend/isolator}, e.g. {@code landlock/filesystem}. */
  public String name() {
    return backend.id() + "/" + isolator.id();
  }

  @Override
  public String toString() {
    return name();
  }
}
