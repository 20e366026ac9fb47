package io.sandbox4j.cli;

import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.SandboxResult;
import java.io.PrintWriter;

/** {@code run --ephemeral [--on ID]}: the policy option and the line printed after the run. */
final class EphemeralRuns {
  private EphemeralRuns() {}

  static SandboxPolicy policy(SandboxPolicy resolved, boolean ephemeral, String on) {
    if (on != null && !ephemeral) {
      throw SandboxException.invalid("--on ID needs --ephemeral");
    }
    if (!ephemeral) {
      return resolved;
    }
    return resolved.toBuilder()
        .ephemeral(on == null ? EphemeralWorkspace.FRESH : EphemeralWorkspace.on(on))
        .build();
  }

  static void report(SandboxResult result, PrintWriter err) {
    result
        .changeSet()
        .ifPresent(
            c ->
                err.println(
                    "sandbox: change set "
                        + c.id()
                        + ": "
                        + summary(c)
                        + " (sandbox changes diff|apply|discard "
                        + c.id()
                        + ")"));
  }

  /** The summary, or why the layer cannot be read (it is kept for `changes discard`). */
  private static String summary(io.sandbox4j.core.changes.ChangeSet c) {
    try {
      return c.summary();
    } catch (SandboxException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
