package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One thing a toolchain profile grants, with where it came from (shown by {@code explain}).
 *
 * @param profile the profile's name ({@code java}, {@code node}...)
 * @param kind what is granted
 * @param value a path, a variable name, {@code NAME=VALUE} or a network entry
 * @param source why: the tool's default, the variable or the configuration file it was read from
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ProfileGrant(String profile, Kind kind, String value, String source) {
  /** What a profile may grant. */
  public enum Kind {
    /** A cache made writable ({@code allowWrite}). */
    WRITE("write"),
    /** A path that stays read-only inside a writable cache ({@code denyWrite}). */
    READ_ONLY("read-only"),
    /**
     * A file of a writable cache that holds a credential and stays unreadable ({@code denyRead}).
     */
    HIDE("hidden"),
    /** A toolchain directory kept readable ({@code grantRead}). */
    READ("read"),
    /** A variable passed from the caller's environment. */
    PASS_ENV("env"),
    /** A variable set to a sanitized value ({@code NAME=VALUE}). */
    SET_ENV("set-env"),
    /** A network destination: added to the allow-list only when the network mode is allow. */
    NET("net"),
    /** Something the profile looked for and did not grant, with the reason. */
    NOTE("note");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The word {@code explain} prints. */
    public String label() {
      return label;
    }
  }

  /** One line for {@code explain}. */
  public String describe() {
    return String.format("%-9s %s  (%s)", kind.label(), value, source);
  }
}
