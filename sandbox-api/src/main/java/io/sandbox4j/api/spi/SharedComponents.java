package io.sandbox4j.api.spi;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** One engine's shared components, by type: what {@link BackendContext#shared} hands out. */
final class SharedComponents implements BackendContext {
  private final Map<Class<?>, Object> components = new ConcurrentHashMap<>();

  @Override
  public <T> T shared(Class<T> type, Supplier<? extends T> factory) {
    Object existing = components.get(type);
    if (existing == null) {
      // not computeIfAbsent: a factory that (wrongly) asks for another component must not deadlock
      Object created = factory.get();
      if (!type.isInstance(created)) {
        throw new IllegalStateException(
            "the factory for " + type.getName() + " returned " + created);
      }
      existing = components.putIfAbsent(type, created);
      if (existing == null) {
        existing = created;
      }
    }
    return type.cast(existing);
  }
}
