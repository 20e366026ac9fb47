package io.sandbox4j.backend.namespaces;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.NativeLauncher;
import jakarta.inject.Inject;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WiringTest {

  /** Another backend's module that also needs LinuxHost and the native launcher. */
  static final class OtherModule extends BackendModule {
    @Override
    protected void configure() {
      addLauncher(NativeLauncher.class);
    }
  }

  static final class NeedsHost {
    final LinuxHost host;

    @Inject
    NeedsHost(LinuxHost host) {
      this.host = host;
    }
  }

  @Test
  void theModuleIsListedForServiceLoader() {
    assertThat(ServiceLoader.load(BackendModule.class).stream().map(p -> p.type().getName()))
        .contains(NamespacesBackendModule.class.getName());
  }

  @Test
  void severalModulesShareOneLinuxHostAndOneLauncher() {
    Injector injector =
        Guice.createInjector(
            new NamespacesBackendModule(),
            new OtherModule(),
            new AbstractModule() {
              @Override
              protected void configure() {}
            });
    Set<Launcher> launchers = injector.getInstance(Key.get(new TypeLiteral<Set<Launcher>>() {}));
    assertThat(launchers).hasSize(1).first().extracting(Launcher::id).isEqualTo("linux-native");
    Set<SandboxBackend> backends =
        injector.getInstance(Key.get(new TypeLiteral<Set<SandboxBackend>>() {}));
    assertThat(backends).extracting(SandboxBackend::id).containsExactly("namespaces");
    assertThat(injector.getInstance(NeedsHost.class).host)
        .isSameAs(injector.getInstance(LinuxHost.class));
    assertThat(backends.iterator().next().isolators())
        .extracting(i -> i.id())
        .containsExactly("process", "filesystem", "network", "resources");
  }
}
