package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Receives a running command's output as it arrives ({@link Sandbox#start(SandboxRequest,
 * OutputListener)}). Each stream is read on a thread of its own, so the two methods may be called
 * concurrently, but calls for one stream come in order. A chunk is the listener's to keep. A method
 * that throws loses only its own copy: the stream keeps being read so the command never blocks.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public interface OutputListener {
  /** The next bytes the command wrote to standard output. */
  default void stdout(byte[] chunk) {}

  /** The next bytes the command wrote to standard error. */
  default void stderr(byte[] chunk) {}
}
