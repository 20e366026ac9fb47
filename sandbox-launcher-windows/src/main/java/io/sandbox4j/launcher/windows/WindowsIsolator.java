package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
import java.util.EnumSet;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The base of every Windows isolator: fixed features, and a probe that needs Windows 10 / Server
 * 2016 or later on a 64-bit JVM ({@link WindowsHost#probeOs()}). An isolator that needs more of the
 * host overrides {@link #probe()} and combines its own check with this one through {@link
 * Availability#allOf}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class WindowsIsolator extends AbstractIsolator {
  private final WindowsHost host;

  protected WindowsIsolator(String id, Aspect aspect, Set<Feature> features, WindowsHost host) {
    super(id, aspect, features);
    this.host = host;
  }

  /**
   * An isolator of {@code first} and {@code more}, whose aspect is theirs: they must all be of one
   * aspect.
   */
  protected WindowsIsolator(String id, WindowsHost host, Feature first, Feature... more) {
    this(id, first.aspect(), EnumSet.of(first, more), host);
    for (Feature f : more) {
      if (f.aspect() != first.aspect()) {
        throw new IllegalArgumentException(
            "isolator " + id + ": " + f + " is not of the aspect of " + first);
      }
    }
  }

  /** The host facts this isolator was made with (the caller's environment, for instance). */
  protected final WindowsHost host() {
    return host;
  }

  @Override
  public Availability probe() {
    return host.probeOs();
  }
}
