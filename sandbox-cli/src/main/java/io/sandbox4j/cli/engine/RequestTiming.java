package io.sandbox4j.cli.engine;

/**
 * Where one request's time goes in the engine, for the log: milliseconds from the connection's
 * accept to each phase's end. On only when the engine started with {@code
 * SANDBOX4J_ENGINE_TIMING=1} in its environment (docs/engine.md); otherwise every call is a no-op.
 */
final class RequestTiming {
  /** The phases, in the order a run passes them. */
  enum Phase {
    /** The REQUEST frame read. */
    READ,
    /** Peer and request checks done, request decoded. */
    CHECKED,
    /** The request's context and writers ready (the command line itself is reused). */
    CLI,
    /** Policy resolved and planned: SPAWN sent to the client. */
    SPAWN,
    /** The client's STARTED arrived. */
    STARTED,
    /** The client's EXITED arrived. */
    EXITED,
    /** The run command returned (post-run sweep, report, notices). */
    DONE,
    /** EXIT sent. */
    EXIT
  }

  private static final boolean ON = "1".equals(System.getenv("SANDBOX4J_ENGINE_TIMING"));

  private final long accepted;
  private final long[] at = new long[Phase.values().length];

  RequestTiming(long acceptedNanos) {
    this.accepted = acceptedNanos;
  }

  static boolean enabled() {
    return ON;
  }

  void mark(Phase p) {
    if (ON && at[p.ordinal()] == 0) {
      at[p.ordinal()] = System.nanoTime();
    }
  }

  /** One log line ({@code timing: read 0.1 checked 0.3 ...}), or null when off. */
  String line() {
    if (!ON) {
      return null;
    }
    StringBuilder b = new StringBuilder("timing (ms since accept):");
    for (Phase p : Phase.values()) {
      long t = at[p.ordinal()];
      b.append(' ').append(p.name().toLowerCase(java.util.Locale.ROOT)).append(' ');
      b.append(t == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.2f", (t - accepted) / 1e6));
    }
    return b.toString();
  }
}
