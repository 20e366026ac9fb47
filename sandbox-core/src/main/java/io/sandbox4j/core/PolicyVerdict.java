package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a policy says about one access ({@link PolicyCheck}): allowed or not, the rule that decides,
 * and how to allow it when it is denied.
 *
 * @param allowed whether the policy allows the access
 * @param access {@code read}, {@code write} or {@code connect}
 * @param target the path (absolute, normalized) or {@code host:port} asked about
 * @param rule the rule that decides, in words ({@code "writable root /w (the workspace)"}, {@code
 *     "deny-read entry /home/u/.ssh (a credential store)"}, {@code "network mode none"})
 * @param remedy when denied, the flag and policy-file line that would allow it; empty when allowed
 *     or when no setting allows it (a credential store, /proc)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PolicyVerdict(
    boolean allowed, String access, String target, String rule, Optional<String> remedy) {

  /** One line: {@code write /x: denied: not beneath a writable root [/w]; allow it with ...}. */
  public String line() {
    return access
        + " "
        + target
        + ": "
        + (allowed ? "allowed: " : "denied: ")
        + rule
        + remedy.map(r -> "; " + r).orElse("");
  }
}
