package io.sandbox4j.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The engine's wiring: the built-in backend and launcher, and what every {@link BackendProvider}
 * contributes. Providers are asked when the registry is first provided, not in {@link
 * #configure()}, which only binds.
 */
final class CoreModule extends AbstractModule {
  private final List<BackendProvider> providers;

  CoreModule(List<BackendProvider> providers) {
    this.providers = List.copyOf(providers);
  }

  @Override
  protected void configure() {
    bind(BackendContext.class).toInstance(BackendContext.standalone());
  }

  @Provides
  @Singleton
  BackendRegistry registry(BackendContext context) {
    List<SandboxBackend> backends = new ArrayList<>();
    backends.add(new CoreBackend());
    Set<Launcher> launchers = Collections.newSetFromMap(new IdentityHashMap<>());
    launchers.add(new ProcessBuilderLauncher());
    Set<WorkspaceCleanup> cleanups = Collections.newSetFromMap(new IdentityHashMap<>());
    for (BackendProvider p : providers) {
      backends.addAll(p.backends(context));
      launchers.addAll(p.launchers(context));
      cleanups.addAll(p.workspaceCleanups(context));
    }
    return new BackendRegistry(backends, List.copyOf(launchers), List.copyOf(cleanups));
  }
}
