package io.sandbox4j.core;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.WorkspaceCleanup;

/** The engine's own bindings: the built-in backend and the plain ProcessBuilder launcher. */
final class CoreModule extends AbstractModule {
  @Override
  protected void configure() {
    Multibinder.newSetBinder(binder(), SandboxBackend.class).addBinding().to(CoreBackend.class);
    Multibinder<Launcher> launchers = Multibinder.newSetBinder(binder(), Launcher.class);
    launchers.permitDuplicates();
    launchers.addBinding().to(ProcessBuilderLauncher.class);
    Multibinder.newSetBinder(binder(), WorkspaceCleanup.class);
  }
}
