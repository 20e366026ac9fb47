package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The part every isolator shares: its id, aspect and (unless they depend on the host) features.
 * Subclasses implement {@link #probe()} and {@link #contribute}; an isolator whose features depend
 * on the host overrides {@link #features()}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class AbstractIsolator implements Isolator {
  private final String id;
  private final Aspect aspect;
  private final Set<Feature> features;

  /** An isolator that enforces exactly {@code features} wherever it is available. */
  protected AbstractIsolator(String id, Aspect aspect, Set<Feature> features) {
    this.id = Objects.requireNonNull(id, "id");
    this.aspect = Objects.requireNonNull(aspect, "aspect");
    this.features =
        features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
  }

  /** An isolator whose features depend on the host: it overrides {@link #features()}. */
  protected AbstractIsolator(String id, Aspect aspect) {
    this(id, aspect, Set.of());
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final Aspect aspect() {
    return aspect;
  }

  @Override
  public Set<Feature> features() {
    return features;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + id + "]";
  }
}
