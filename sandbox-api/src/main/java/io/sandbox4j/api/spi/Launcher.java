package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Starts a command as a {@link LaunchSpec} describes it, applying every extension it contains.
 *
 * <p>A launcher must apply every extension of {@link #extensionTypes()} that a spec carries, or
 * fail; the engine only hands it specs whose extensions it declares.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface Launcher {

  /** Unique id, e.g. {@code linux-native}. */
  String id();

  /** The extension types this launcher applies. */
  Set<Class<?>> extensionTypes();

  Availability probe();

  /**
   * Starts the command. Fails with {@link io.sandbox4j.api.SandboxException} (exit 125) when a step
   * of the spec cannot be applied, naming the step; nothing runs then.
   */
  SandboxProcess launch(LaunchSpec spec) throws IOException;
}
