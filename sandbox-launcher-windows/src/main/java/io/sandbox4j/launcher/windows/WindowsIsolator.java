package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.spi.AbstractIsolator;
import io.sandbox4j.api.spi.Availability;
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

  /** An isolator named after its aspect ({@code filesystem}, {@code network}, ...). */
  protected WindowsIsolator(Aspect aspect, Set<Feature> features, WindowsHost host) {
    super(aspect.displayName(), aspect, features);
    this.host = host;
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
