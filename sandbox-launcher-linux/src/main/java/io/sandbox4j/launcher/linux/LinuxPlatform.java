package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendContext;
import org.apiguardian.api.API;

/**
 * What every Linux backend of one engine shares: the host's facts, probed (on first use) through
 * the extracted native launcher binary, and the {@link NativeLauncher} running that binary. A
 * backend provider gets it with {@link #shared(BackendContext)}, so one engine probes the host and
 * extracts the binary once.
 *
 * @param host the engine's one probe of the host
 * @param launcher the engine's one native launcher
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record LinuxPlatform(LinuxHost host, NativeLauncher launcher) {

  /** The engine's one instance. */
  public static LinuxPlatform shared(BackendContext context) {
    return context.shared(LinuxPlatform.class, LinuxPlatform::create);
  }

  private static LinuxPlatform create() {
    LauncherBinary binary = new LauncherBinary();
    LinuxHost host = new LinuxHostProbe(binary);
    return new LinuxPlatform(host, new NativeLauncher(binary, host));
  }
}
