package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.STABLE;

import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.SandboxBackend;
import org.apiguardian.api.API;

/** An isolator together with the backend it belongs to. */
@API(status = STABLE, since = "0.1")
public record SelectedIsolator(SandboxBackend backend, Isolator isolator) {

  /** {@code backend/isolator}, e.g. {@code landlock/filesystem}. */
  public String name() {
    return backend.id() + "/" + isolator.id();
  }

  @Override
  public String toString() {
    return name();
  }
}
