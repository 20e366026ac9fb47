package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/** Where a scenario can run. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Platform {
  LINUX("Linux"),
  WINDOWS("Windows"),
  /** macOS: a third-party backend (Seatbelt, Endpoint Security) runs the portable scenarios. */
  MACOS("macOS"),
  /**
   * Linux or macOS: the scenario needs a POSIX shell, signals and file modes, but no Linux-only
   * file such as /proc.
   */
  POSIX("Linux or macOS"),
  /** Any operating system: the scenario only uses the JDK and the portable probe. */
  ANY("any operating system");

  private final String humanName;

  Platform(String humanName) {
    this.humanName = humanName;
  }

  /** The platform this JVM runs on ({@link #ANY} when it is none of the named ones). */
  public static Platform current() {
    return of(System.getProperty("os.name", ""));
  }

  /** The platform an {@code os.name} value names. */
  static Platform of(String osName) {
    String os = osName.toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return WINDOWS;
    }
    if (os.startsWith("linux")) {
      return LINUX;
    }
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      return MACOS;
    }
    return ANY;
  }

  /** Whether a scenario targeting this platform runs here. */
  public boolean runsHere() {
    return runsOn(current());
  }

  /** Whether a scenario targeting this platform runs on {@code host}. */
  public boolean runsOn(Platform host) {
    return switch (this) {
      case ANY -> true;
      case POSIX -> host == LINUX || host == MACOS;
      default -> this == host;
    };
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** For messages: "requires " + humanName(), e.g. "requires Windows". */
  public String humanName() {
    return humanName;
  }
}
