package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The one exception type that carries a failure, and the exit code it maps to, to the caller.
 *
 * <p>Messages name the offending value and, where there is one, the fix.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public class SandboxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Bad flag, value or policy: nothing ran. */
  public static final int EXIT_USAGE = 2;

  /** The sandbox could not be set up or cannot enforce the policy: nothing ran. */
  public static final int EXIT_CANNOT_SANDBOX = 125;

  private final int exitCode;

  public SandboxException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public SandboxException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A policy, flag or value is invalid (exit 2). */
  public static SandboxException invalid(String message) {
    return new SandboxException(EXIT_USAGE, message);
  }

  /** The sandbox cannot be set up or cannot enforce what was asked (exit 125). */
  public static SandboxException cannotSandbox(String message) {
    return new SandboxException(EXIT_CANNOT_SANDBOX, message);
  }

  /** The sandbox cannot be set up (exit 125), with the underlying cause. */
  public static SandboxException cannotSandbox(String message, Throwable cause) {
    return new SandboxException(EXIT_CANNOT_SANDBOX, message, cause);
  }

  public int exitCode() {
    return exitCode;
  }
}
