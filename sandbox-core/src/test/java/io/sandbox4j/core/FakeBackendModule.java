package io.sandbox4j.core;

import com.google.inject.multibindings.Multibinder;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;

/** Installs ready-made fake backend instances. */
final class FakeBackendModule extends BackendModule {
  private final List<SandboxBackend> backends;

  FakeBackendModule(SandboxBackend... backends) {
    this.backends = List.of(backends);
  }

  @Override
  protected void configure() {
    Multibinder<SandboxBackend> set = Multibinder.newSetBinder(binder(), SandboxBackend.class);
    for (SandboxBackend b : backends) {
      set.addBinding().toInstance(b);
    }
  }
}
