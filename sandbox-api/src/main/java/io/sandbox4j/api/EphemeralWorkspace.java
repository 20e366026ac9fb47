package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Optional;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Whether the workspace is ephemeral (issue 14): the command sees the real tree, but its writes,
 * deletions and renames go to a private copy-on-write layer (a change set) kept under the user's
 * cache, never inside the workspace. The change set reaches the real tree only when applied.
 *
 * @param enabled whether the workspace is a layer
 * @param base a change set that was not applied to continue from ({@code --on ID}): the run writes
 *     into that same layer, so the change set then holds both runs' changes
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record EphemeralWorkspace(boolean enabled, Optional<String> base) {
  /** The workspace is written directly. */
  public static final EphemeralWorkspace OFF = new EphemeralWorkspace(false, Optional.empty());

  /** A fresh layer for every run. */
  public static final EphemeralWorkspace FRESH = new EphemeralWorkspace(true, Optional.empty());

  private static final Pattern ID = Pattern.compile("[0-9]{8}-[0-9]{6}-[0-9a-f]{8}");

  public EphemeralWorkspace {
    if (base == null) {
      base = Optional.empty();
    }
    if (base.isPresent() && !enabled) {
      throw SandboxException.invalid("a base change set needs an ephemeral workspace");
    }
    base.ifPresent(EphemeralWorkspace::checkId);
  }

  /** Continues the change set {@code id} (written by an earlier ephemeral run, not applied). */
  public static EphemeralWorkspace on(String id) {
    return new EphemeralWorkspace(true, Optional.of(id));
  }

  /**
   * Checks the form of a change set id ({@code yyyyMMdd-HHmmss-} and eight hex digits).
   *
   * @throws SandboxException (exit 2) naming the value
   */
  public static String checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw SandboxException.invalid(
          "not a change set id: '"
              + id
              + "' (ids look like 20261204-211500-0a1b2c3d; `sandbox changes list` shows them)");
    }
    return id;
  }
}
