package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The part every launcher shares: its id and the extension types it applies. Subclasses implement
 * {@link #probe()} and {@link #launch}:
 *
 * <pre>{@code
 * final class MyLauncher extends AbstractLauncher {
 *   MyLauncher() {
 *     super("mine", Set.of(MyPlan.class));
 *   }
 *   ...
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class AbstractLauncher implements Launcher {
  private final String id;
  private final Set<Class<?>> extensionTypes;

  /** A launcher that applies exactly {@code extensionTypes} (none: a plain start). */
  protected AbstractLauncher(String id, Set<Class<?>> extensionTypes) {
    this.id = Objects.requireNonNull(id, "id");
    this.extensionTypes = Set.copyOf(extensionTypes);
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Set<Class<?>> extensionTypes() {
    return extensionTypes;
  }
}
