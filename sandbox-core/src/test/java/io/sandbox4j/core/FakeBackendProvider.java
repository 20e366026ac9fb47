package io.sandbox4j.core;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;

/** Provides ready-made fake backend instances. */
final class FakeBackendProvider implements BackendProvider {
  private final List<SandboxBackend> backends;

  FakeBackendProvider(SandboxBackend... backends) {
    this.backends = List.of(backends);
  }

  @Override
  public List<SandboxBackend> backends(BackendContext context) {
    return backends;
  }
}
