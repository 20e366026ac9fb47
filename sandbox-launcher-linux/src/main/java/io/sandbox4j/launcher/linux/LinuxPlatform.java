package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import org.apiguardian.api.API;

/**
 * What every Linux backend of one engine shares: the extracted native launcher binary, the host's
 * facts probed through it, and the {@link NativeLauncher}. A backend provider gets it with {@link
 * #shared(BackendContext)}, so one engine probes the host and extracts the binary once.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LinuxPlatform {
  private final LinuxHost host;
  private final NativeLauncher launcher;

  private LinuxPlatform() {
    LauncherBinary binary = new LauncherBinary();
    this.host = new LinuxHostProbe(binary);
    this.launcher = new NativeLauncher(binary, host);
  }

  /** The engine's one instance. */
  public static LinuxPlatform shared(BackendContext context) {
    return context.shared(LinuxPlatform.class, LinuxPlatform::new);
  }

  public LinuxHost host() {
    return host;
  }

  public NativeLauncher launcher() {
    return launcher;
  }
}
