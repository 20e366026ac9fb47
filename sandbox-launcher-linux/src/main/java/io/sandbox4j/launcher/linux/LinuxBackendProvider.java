package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A provider of one Linux backend that launches through the native launcher: it builds the backend
 * on the engine's shared {@link LinuxPlatform} host facts and contributes the shared {@link
 * NativeLauncher}. A subclass is a public class whose no-argument constructor names the backend's
 * constructor, listed in {@code META-INF/services/io.sandbox4j.api.spi.BackendProvider}:
 *
 * <pre>{@code
 * public final class MyBackendProvider extends LinuxBackendProvider {
 *   public MyBackendProvider() {
 *     super(MyBackend::new);
 *   }
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class LinuxBackendProvider implements BackendProvider {
  private final Function<LinuxHost, ? extends SandboxBackend> backend;

  /**
   * @param backend builds the backend on the engine's one probe of the host; it constructs only (no
   *     probing, no I/O)
   */
  protected LinuxBackendProvider(Function<LinuxHost, ? extends SandboxBackend> backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
  }

  @Override
  public final List<SandboxBackend> backends(BackendContext context) {
    return List.of(backend.apply(LinuxPlatform.shared(context).host()));
  }

  /** The engine's one native launcher, whichever Linux provider asks for it. */
  @Override
  public final List<Launcher> launchers(BackendContext context) {
    return List.of(LinuxPlatform.shared(context).launcher());
  }
}
