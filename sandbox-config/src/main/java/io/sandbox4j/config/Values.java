package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/** Parses the size and duration values of flags and policy files, strictly. */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Values {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  private Values() {}

  /**
   * A size such as {@code 256m}, {@code 2g}, {@code 512k}, {@code 1024} (bytes); binary units.
   *
   * @param what the flag or key, for the message
   */
  public static long size(String what, String text) {
    Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw SandboxException.invalid(
          what
              + ": '"
              + text
              + "' is not a size; use a number with an optional unit k, m, g or t"
              + " (e.g. 256m, 2g)");
    }
    int shift =
        switch (m.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n == 0) {
        throw SandboxException.invalid(what + ": size must be positive, got '" + text + "'");
      }
      if (n > (Long.MAX_VALUE >> shift)) {
        throw SandboxException.invalid(what + ": size '" + text + "' is too large");
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw SandboxException.invalid(what + ": size '" + text + "' is too large");
    }
  }

  /** A duration such as {@code 500ms}, {@code 2s}, {@code 5m}, {@code 1h}, {@code 90} (seconds). */
  public static Duration duration(String what, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Matcher m = DURATION.matcher(t);
    Duration d;
    if (m.matches()) {
      long n;
      try {
        n = Long.parseLong(m.group(1));
      } catch (NumberFormatException e) {
        throw SandboxException.invalid(what + ": duration '" + text + "' is too large");
      }
      String unit = m.group(2) == null ? "s" : m.group(2);
      try {
        d =
            switch (unit) {
              case "ms" -> Duration.ofMillis(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              default -> Duration.ofSeconds(n);
            };
      } catch (ArithmeticException e) {
        throw SandboxException.invalid(what + ": duration '" + text + "' is too large");
      }
    } else if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        d = Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw SandboxException.invalid(what + ": '" + text + "' is not a duration");
      }
    } else {
      throw SandboxException.invalid(
          what
              + ": '"
              + text
              + "' is not a duration; use a number with a unit ms, s, m, h or d"
              + " (e.g. 2s, 5m)");
    }
    if (d.isZero() || d.isNegative()) {
      throw SandboxException.invalid(what + ": duration must be positive, got '" + text + "'");
    }
    return d;
  }
}
