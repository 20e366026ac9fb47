package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.PeakMemory;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.proxy.NetworkEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * How a sandboxed command ended. Immutable; it grows by new accessors, so it is built with {@link
 * #builder()} rather than a constructor.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SandboxResult {

  /** The exit code for a run killed by its timeout, as timeout(1) uses. */
  public static final int EXIT_TIMEOUT = 124;

  private static final byte[] NONE = new byte[0];

  private final int exitCode;
  private final boolean timedOut;
  private final Duration elapsed;
  private final byte[] stdout;
  private final byte[] stderr;
  private final List<NetworkEvent> networkEvents;
  private final List<String> notices;
  private final ChangeSet changeSet;
  private final List<Denial> denials;
  private final String launcher;
  private final List<String> isolators;
  private final PeakMemory peakMemory;

  // The builder's setters already copy (lists immutable, arrays cloned) and it never changes what
  // it holds in place, so a result can share its values.
  private SandboxResult(Builder b) {
    this.changeSet = b.changeSet;
    this.exitCode = b.exitCode;
    this.timedOut = b.timedOut;
    this.elapsed = Objects.requireNonNull(b.elapsed, "elapsed");
    this.stdout = b.stdout;
    this.stderr = b.stderr;
    this.networkEvents = b.networkEvents;
    this.notices = b.notices;
    this.denials = b.denials;
    this.launcher = b.launcher;
    this.isolators = b.isolators;
    this.peakMemory = b.peakMemory;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this result's values. */
  public Builder toBuilder() {
    return new Builder()
        .exitCode(exitCode)
        .timedOut(timedOut)
        .elapsed(elapsed)
        .stdout(stdout)
        .stderr(stderr)
        .networkEvents(networkEvents)
        .notices(notices)
        .changeSet(changeSet)
        .denials(denials)
        .launcher(launcher)
        .isolators(isolators)
        .peakMemory(peakMemory);
  }

  /**
   * The change set an ephemeral run wrote (its writes, deletions and renames, not yet in the real
   * workspace): list, diff, apply or discard it. Empty when the workspace was not ephemeral.
   */
  public Optional<ChangeSet> changeSet() {
    return Optional.ofNullable(changeSet);
  }

  /** The command's own code, 128+N when it died of signal N, 124 when the timeout killed it. */
  public int exitCode() {
    return exitCode;
  }

  /** Whether the wall-clock timeout killed it. */
  public boolean timedOut() {
    return timedOut;
  }

  /** Wall-clock time from start to end. */
  public Duration elapsed() {
    return elapsed;
  }

  /** Standard output when it was collected ({@link Sandbox#run}), else empty. */
  public byte[] stdout() {
    return stdout.clone();
  }

  /** Standard error when it was collected, else empty. */
  public byte[] stderr() {
    return stderr.clone();
  }

  /**
   * Every destination the command tried through the run's filtering proxy (network allow-list
   * mode), allowed or denied, in the order the attempts ended; empty in other modes.
   */
  public List<NetworkEvent> networkEvents() {
    return networkEvents;
  }

  /** The events the allow-list refused. */
  public List<NetworkEvent> deniedNetworkEvents() {
    return networkEvents.stream().filter(e -> e.outcome() == NetworkEvent.Outcome.DENIED).toList();
  }

  /**
   * What the engine reports about the run after it ended, one line each: what the post-run git
   * sweep sanitized or moved aside and, with exit code 125, what it could not make safe. Empty for
   * most runs.
   */
  public List<String> notices() {
    return notices;
  }

  /**
   * The accesses the policy refused: network destinations the proxy refused ({@link
   * Denial.Source#OBSERVED}), then, when the command failed, paths its standard error named that
   * the policy denies ({@link Denial.Source#INFERRED}; only when standard error was piped).
   */
  public List<Denial> denials() {
    return denials;
  }

  /** The signal that ended the command: N when the exit code is 128+N (1..64) and no timeout. */
  public OptionalInt signal() {
    int n = exitCode - 128;
    return !timedOut && n >= 1 && n <= 64 ? OptionalInt.of(n) : OptionalInt.empty();
  }

  /** The id of the launcher that started the command; empty in a result built by hand. */
  public String launcher() {
    return launcher;
  }

  /** The isolators that enforced the policy, as {@code backend/isolator}. */
  public List<String> isolators() {
    return isolators;
  }

  /**
   * The command tree's peak memory when something measured it, with what did ({@code cgroup
   * memory.peak}, ...) or why nothing did.
   */
  public PeakMemory peakMemory() {
    return peakMemory;
  }

  public String stdoutText() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  public String stderrText() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "SandboxResult[exit "
        + exitCode
        + (timedOut ? ", timed out" : "")
        + ", "
        + elapsed.toMillis()
        + " ms]";
  }

  /** Builds a {@link SandboxResult}; not thread-safe. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private int exitCode;
    private boolean timedOut;
    private Duration elapsed = Duration.ZERO;
    private byte[] stdout = NONE;
    private byte[] stderr = NONE;
    private List<NetworkEvent> networkEvents = List.of();
    private List<String> notices = List.of();
    private ChangeSet changeSet;

    /** The change set of an ephemeral run (null: none). */
    public Builder changeSet(ChangeSet c) {
      this.changeSet = c;
      return this;
    }

    private List<Denial> denials = List.of();
    private String launcher = "";
    private List<String> isolators = List.of();
    private PeakMemory peakMemory = new PeakMemory(OptionalLong.empty(), "not measured");

    private Builder() {}

    public Builder denials(List<Denial> denials) {
      this.denials = List.copyOf(denials);
      return this;
    }

    public Builder launcher(String id) {
      this.launcher = Objects.requireNonNull(id, "launcher");
      return this;
    }

    public Builder isolators(List<String> names) {
      this.isolators = List.copyOf(names);
      return this;
    }

    public Builder peakMemory(PeakMemory peakMemory) {
      this.peakMemory = Objects.requireNonNull(peakMemory, "peakMemory");
      return this;
    }

    public Builder networkEvents(List<NetworkEvent> events) {
      this.networkEvents = List.copyOf(events);
      return this;
    }

    public Builder exitCode(int code) {
      this.exitCode = code;
      return this;
    }

    public Builder timedOut(boolean timedOut) {
      this.timedOut = timedOut;
      return this;
    }

    public Builder elapsed(Duration elapsed) {
      this.elapsed = elapsed;
      return this;
    }

    public Builder stdout(byte[] out) {
      this.stdout = out.clone();
      return this;
    }

    public Builder stderr(byte[] err) {
      this.stderr = err.clone();
      return this;
    }

    public Builder notices(List<String> lines) {
      this.notices = List.copyOf(lines);
      return this;
    }

    public SandboxResult build() {
      return new SandboxResult(this);
    }
  }
}
