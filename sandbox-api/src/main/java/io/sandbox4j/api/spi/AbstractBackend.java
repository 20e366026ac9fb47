package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * The part every backend shares: an immutable id, description, priority and list of isolators. A
 * subclass is a constructor that names them:
 *
 * <pre>{@code
 * final class MyBackend extends AbstractBackend {
 *   MyBackend() {
 *     super("mine", "what it uses", 100, List.of(new MyFilesystemIsolator()));
 *   }
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class AbstractBackend implements SandboxBackend {
  private final String id;
  private final String description;
  private final int priority;
  private final List<Isolator> isolators;

  /**
   * A backend with these values; {@code priority} orders automatic selection as {@link
   * SandboxBackend#priority()} says (lower first, 100 when a backend does not care).
   */
  protected AbstractBackend(
      String id, String description, int priority, List<? extends Isolator> isolators) {
    this.id = Objects.requireNonNull(id, "id");
    this.description = Objects.requireNonNull(description, "description");
    this.priority = priority;
    this.isolators = List.copyOf(isolators);
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final String description() {
    return description;
  }

  @Override
  public final List<Isolator> isolators() {
    return isolators;
  }

  @Override
  public final int priority() {
    return priority;
  }
}
