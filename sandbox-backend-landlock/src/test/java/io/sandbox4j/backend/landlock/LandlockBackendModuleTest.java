package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.BackendModule;
import io.sandbox4j.launcher.linux.LinuxHost;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LandlockBackendModuleTest {

  @Test
  void theModuleIsDiscoveredAndGuiceBuildsTheBackendWithTheInjectedHost() {
    BackendModule module =
        ServiceLoader.load(BackendModule.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(m -> m instanceof LandlockBackendModule)
            .findFirst()
            .orElseThrow();
    FakeLinuxHost host = FakeLinuxHost.withoutLauncher("fake host: no launcher");
    Set<SandboxBackend> backends =
        Guice.createInjector(module, binder -> binder.bind(LinuxHost.class).toInstance(host))
            .getInstance(Key.get(new TypeLiteral<Set<SandboxBackend>>() {}));
    assertThat(backends).extracting(SandboxBackend::id).containsExactly("landlock");
    // The injected host is the one the isolators probe.
    assertThat(backends.iterator().next().isolators())
        .allSatisfy(i -> assertThat(i.probe().detail()).isEqualTo("fake host: no launcher"));
  }
}
