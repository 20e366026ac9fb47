package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/** Where a scenario can run. */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Platform {
  LINUX,
  WINDOWS,
  /** Any operating system: the scenario only uses the JDK and the portable probe. */
  ANY;

  /** The platform this JVM runs on ({@link #ANY} when neither Linux nor Windows). */
  public static Platform current() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.startsWith("windows")) {
      return WINDOWS;
    }
    if (os.startsWith("linux")) {
      return LINUX;
    }
    return ANY;
  }

  /** Whether a scenario targeting this platform runs here. */
  public boolean runsHere() {
    return this == ANY || this == current();
  }

  public String displayName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
