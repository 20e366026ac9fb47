package io.sandbox4j.backend.wfp;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.launcher.windows.WindowsLauncher;
import io.sandbox4j.launcher.windows.WindowsPlatform;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class WfpBackendProviderTest {

  @Test
  void theProviderIsDiscoveredAndContributesTheBackendWithTheSharedLauncher() {
    BackendProvider provider =
        ServiceLoader.load(BackendProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p instanceof WfpBackendProvider)
            .findFirst()
            .orElseThrow();
    BackendContext context = BackendContext.standalone();
    assertThat(provider.backends(context)).extracting(SandboxBackend::id).containsExactly("wfp");
    // one launcher per engine, whichever provider asks for it
    assertThat(provider.launchers(context))
        .singleElement()
        .isInstanceOf(WindowsLauncher.class)
        .isSameAs(WindowsPlatform.shared(context).launcher());
    assertThat(provider.launchers(BackendContext.standalone()).get(0))
        .isNotSameAs(WindowsPlatform.shared(context).launcher());
    // its filters die with the run's dynamic session: nothing per workspace to revert
    assertThat(provider.workspaceCleanups(context)).isEmpty();
  }
}
