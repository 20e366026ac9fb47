package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.AbstractBackend;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EarlySandboxTest {
  /** Records the thread of every probe; throws from the probe when told to. */
  private static final class RecordingIsolator extends AbstractIsolator {
    final List<String> probedOn = new CopyOnWriteArrayList<>();
    private final RuntimeException failure;

    RecordingIsolator(RuntimeException failure) {
      super("recording", Aspect.FILESYSTEM, Set.of(Feature.FS_WRITE_CONFINEMENT));
      this.failure = failure;
    }

    @Override
    public Availability probe() {
      probedOn.add(Thread.currentThread().getName());
      if (failure != null) {
        throw failure;
      }
      return Availability.available("records");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {}
  }

  private static Supplier<Sandbox> sandboxWith(RecordingIsolator isolator) {
    SandboxBackend backend =
        new AbstractBackend("recording", "records probes", 100, List.of(isolator)) {};
    BackendProvider provider =
        new BackendProvider() {
          @Override
          public List<SandboxBackend> backends(BackendContext context) {
            return List.of(backend);
          }
        };
    return () -> Sandbox.create(List.of(provider));
  }

  @Test
  void theSandboxComesProbedFromTheWiringThread() {
    RecordingIsolator isolator = new RecordingIsolator(null);
    Sandbox sandbox = EarlySandbox.start(sandboxWith(isolator)).get();
    assertThat(sandbox.registry().backend("recording").isolators()).containsExactly(isolator);
    assertThat(isolator.probedOn).containsExactly("sandbox4j-early-wiring");
  }

  @Test
  void aProbeThatThrowsIsLeftToTheSelectionToReport() {
    RecordingIsolator isolator = new RecordingIsolator(new IllegalStateException("probe broke"));
    Sandbox sandbox = EarlySandbox.start(sandboxWith(isolator)).get();
    assertThat(sandbox.registry().backends()).extracting(SandboxBackend::id).contains("recording");
    assertThat(isolator.probedOn).containsExactly("sandbox4j-early-wiring");
  }

  @Test
  void aWiringFailureSurfacesUnchangedWhereTheSandboxIsAskedFor() {
    SandboxException failure = SandboxException.cannotSandbox("backend wiring failed: test");
    EarlySandbox early =
        EarlySandbox.start(
            () -> {
              throw failure;
            });
    assertThatThrownBy(early::get).isSameAs(failure);
    assertThat(failure.exitCode()).isEqualTo(SandboxException.EXIT_CANNOT_SANDBOX);
  }
}
