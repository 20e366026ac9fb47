package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.STABLE;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;
import org.apiguardian.api.API;

/**
 * The Guice module a backend jar contributes, discovered through {@link java.util.ServiceLoader}
 * (list the subclass in {@code META-INF/services/io.sandbox4j.core.BackendModule}).
 *
 * <p>{@link #configure()} must be fast and free of side effects: bind, never probe or do I/O.
 *
 * <pre>{@code
 * public final class MyBackendModule extends BackendModule {
 *   protected void configure() {
 *     addBackend(MyBackend.class);
 *   }
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public abstract class BackendModule extends AbstractModule {

  /** Registers a backend; its id must be unique among all installed backends. */
  protected final void addBackend(Class<? extends SandboxBackend> backend) {
    Multibinder.newSetBinder(binder(), SandboxBackend.class).addBinding().to(backend);
  }

  /** Registers what reverts this backend's per-workspace state ({@code sandbox cleanup}). */
  protected final void addWorkspaceCleanup(Class<? extends WorkspaceCleanup> cleanup) {
    Multibinder<WorkspaceCleanup> cleanups =
        Multibinder.newSetBinder(binder(), WorkspaceCleanup.class);
    cleanups.permitDuplicates();
    cleanups.addBinding().to(cleanup);
  }

  /** Registers a launcher; several backends may register the same launcher class. */
  protected final void addLauncher(Class<? extends Launcher> launcher) {
    Multibinder<Launcher> launchers = Multibinder.newSetBinder(binder(), Launcher.class);
    launchers.permitDuplicates();
    launchers.addBinding().to(launcher);
  }
}
