package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * What the engine gives a {@link BackendProvider}: one place per engine for components that several
 * providers share. Thread-safe.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface BackendContext {

  /**
   * The engine's one instance of {@code type}: created by {@code factory} on the first call for
   * that type, the same instance on every later call, whichever provider asks. The factory must not
   * itself call {@code shared}.
   */
  <T> T shared(Class<T> type, Supplier<? extends T> factory);

  /**
   * A new context with nothing shared yet: what each engine gets, and what a backend's own tests
   * (or a tool driving one backend without the engine) pass to its provider.
   */
  static BackendContext standalone() {
    return new SharedComponents();
  }
}
