package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Told of each {@link NetworkEvent} as it is recorded, on the thread of the connection that ended.
 * It must be thread-safe and quick; what it throws is ignored (the event stays recorded).
 */
@API(status = EXPERIMENTAL, since = "0.1")
@FunctionalInterface
public interface NetworkEventListener {
  void onEvent(NetworkEvent event);
}
