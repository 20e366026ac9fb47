package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * One access the policy refused during a run.
 *
 * @param access {@code read}, {@code write} or {@code connect to}
 * @param target the path or {@code host:port}
 * @param source whether something outside the command saw the refusal happen (the filtering proxy)
 *     or it is inferred from the command's standard error
 * @param reason the rule that refused it, in words
 * @param remedy the flag and policy-file line that would allow it, when one does
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Denial(
    String access, String target, Source source, String reason, Optional<String> remedy) {

  /** How the engine knows about a denial. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public enum Source {
    /** Recorded where the refusal happened (the network proxy). */
    OBSERVED,
    /**
     * The command failed and its standard error named a path with a refusal ({@code Permission
     * denied}, {@code Read-only file system}, or {@code No such file or directory} for a hidden
     * path) that the policy denies: likely, not certain.
     */
    INFERRED
  }

  static Denial inferred(PolicyVerdict v) {
    return new Denial(v.access(), v.target(), Source.INFERRED, v.rule(), v.remedy());
  }

  /**
   * The line a run prints: {@code inferred: write /x was denied by the policy (not beneath a
   * writable root ...); allow it with --allow-write /x ...}.
   */
  public String line() {
    return source.name().toLowerCase(Locale.ROOT)
        + ": "
        + access
        + " "
        + target
        + " was denied by the policy ("
        + reason
        + ")"
        + remedy.map(r -> "; " + r).orElse("");
  }
}
