package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.linux.LinuxPlatform;
import io.sandbox4j.launcher.linux.NativeLauncher;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class LandlockBackendProviderTest {

  @Test
  void theProviderIsDiscoveredAndContributesTheBackendWithTheSharedLauncher() {
    BackendProvider provider =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p instanceof LandlockBackendProvider)
            .findFirst()
            .orElseThrow();
    BackendContext context = BackendContext.standalone();
    assertThat(provider.backends(context))
        .extracting(SandboxBackend::id)
        .containsExactly("landlock");
    // one launcher per engine, whichever provider asks for it
    assertThat(provider.launchers(context))
        .singleElement()
        .isInstanceOf(NativeLauncher.class)
        .isSameAs(LinuxPlatform.shared(context).launcher());
    assertThat(provider.launchers(BackendContext.standalone()).get(0))
        .isNotSameAs(LinuxPlatform.shared(context).launcher());
  }
}
