package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.ProcessPolicy;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.proxy.NetworkRules;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * Parses and checks every value of flags and policy files, strictly: the one place that knows what
 * a value may be. Each message starts with {@code what}, the flag or the policy-file key (with its
 * line) the value came from.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Values {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmgt]?)(i?b)?");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

  /** The largest size accepted: 1 EiB, more than any host has and far from overflowing. */
  public static final long MAX_SIZE = 1L << 60;

  /**
   * The longest duration accepted: 365 days, more than one command needs; far longer ones (292
   * years) overflow clock arithmetic in nanoseconds, which was an internal error.
   */
  public static final Duration MAX_DURATION = Duration.ofDays(365);

  static final String SIZES =
      "a size: bytes, or a number with k, m, g or t; from 1 byte to 1048576t (1 EiB)";
  static final String DURATIONS =
      "a duration: seconds, or a number with ms, s, m, h or d; more than zero, at most 365d";

  /** The kernel's largest pid_max (PID_MAX_LIMIT): no host can have more processes. */
  static final int MAX_PIDS = 4_194_304;

  /** Linux's default fs.nr_open, the most open files a process can be allowed by default. */
  static final int MAX_NOFILE = 1_048_576;

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
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw tooLarge(what, text);
    }
    if (n == 0) {
      throw SandboxException.invalid(what + ": size must be positive, got '" + text + "'");
    }
    if (n > (MAX_SIZE >> shift)) {
      throw tooLarge(what, text);
    }
    return n << shift;
  }

  private static SandboxException tooLarge(String what, String size) {
    return SandboxException.invalid(
        what + ": size '" + size + "' is too large; at most 1048576t (1 EiB)");
  }

  private static SandboxException tooLong(String what, String duration) {
    return SandboxException.invalid(
        what + ": duration '" + duration + "' is too long; at most 365d");
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
        throw tooLong(what, text);
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
        throw tooLong(what, text);
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
    if (d.compareTo(MAX_DURATION) > 0) {
      throw tooLong(what, text);
    }
    return d;
  }

  /**
   * A whole number from {@code min} to {@code max}.
   *
   * @param why said after the minimum when a value is below it, e.g. " (stdin, stdout, stderr)"
   */
  public static int count(String what, String text, int min, int max, String why) {
    String t = text.trim();
    if (!t.matches("-?\\d+")) {
      throw SandboxException.invalid(what + ": '" + text + "' is not a whole number");
    }
    long n;
    try {
      n = Long.parseLong(t);
    } catch (NumberFormatException e) {
      n = t.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    if (n < min) {
      throw SandboxException.invalid(what + ": must be at least " + min + why + ", got " + t);
    }
    if (n > max) {
      throw SandboxException.invalid(what + ": must be at most " + max + ", got " + t);
    }
    return (int) n;
  }

  /**
   * A path: relative ones are resolved now, against {@code baseDir} (the policy file's directory or
   * the current one); a leading {@code ~} stays until HOME is known.
   */
  static Path path(String what, String p, Path baseDir) {
    if (p == null || p.isBlank()) {
      throw SandboxException.invalid(what + ": empty path");
    }
    if (p.indexOf('\0') >= 0) {
      throw SandboxException.invalid(
          what + ": path '" + p.replace('\0', '?') + "' contains a NUL byte");
    }
    for (int i = 0; i < p.length(); i++) {
      if (Character.isISOControl(p.charAt(i))) {
        throw SandboxException.invalid(
            what + ": path '" + p.replaceAll("\\p{Cntrl}", "?") + "' contains a control character");
      }
    }
    if (homeRelative(p)) {
      // Parsed by the base's file system: on Windows "~/x" becomes "~\\x", which expansion knows.
      return baseDir.getFileSystem().getPath(p);
    }
    if (p.startsWith("~")) {
      throw SandboxException.invalid(
          what + ": path '" + p + "': ~user is not supported; write the absolute path");
    }
    return baseDir.resolve(p).normalize();
  }

  /** {@code ~}, {@code ~/x} and, as Windows writes it (and parses {@code ~/x}), {@code ~\\x}. */
  static boolean homeRelative(String p) {
    return p.equals("~") || p.startsWith("~/") || p.startsWith("~\\");
  }

  /** {@code NAME} (passed from the caller) or {@code NAME=VALUE} (set). */
  /** A toolchain profile's name, or {@code auto}. */
  static String profile(String what, String name) {
    if (!name.equals("auto") && !ToolchainProfiles.NAMES.contains(name)) {
      throw SandboxException.invalid(
          what
              + ": unknown profile '"
              + name
              + "'; known: "
              + String.join(", ", ToolchainProfiles.NAMES)
              + ", auto");
    }
    return name;
  }

  static String envEntry(String what, String entry) {
    int eq = entry.indexOf('=');
    String name = eq < 0 ? entry : entry.substring(0, eq);
    // The API owns the rule for names; asking it keeps one rule.
    named(what, () -> new ProcessPolicy(List.of(name), Map.of(), Optional.empty()));
    return entry;
  }

  /**
   * One network allow-list or deny-list entry in the proxy's rule language, checked by its parser
   * (the one place that knows the rules): host, *.suffix, host:port, host:*, IP literal, CIDR.
   */
  static String networkEntry(String what, String entry, boolean deny) {
    String e = entry.strip(); // whitespace only: a control character is the parser's to refuse
    List<String> one = List.of(e);
    named(
        what, () -> deny ? NetworkRules.parse(List.of(), one) : NetworkRules.parse(one, List.of()));
    return e;
  }

  /** A policy file's network mode. */
  static String profileCache(String what, String mode) {
    if (!mode.equals("overlay") && !mode.equals("shared")) {
      throw SandboxException.invalid(
          what + ": must be \"overlay\" or \"shared\", got \"" + mode + "\"");
    }
    return mode;
  }

  static String homeMode(String what, String mode) {
    if (!mode.equals("private") && !mode.equals("read")) {
      throw SandboxException.invalid(
          what + ": must be \"private\" or \"read\", got \"" + mode + "\"");
    }
    return mode;
  }

  static String networkMode(String what, String mode) {
    if (!mode.equals("none") && !mode.equals("all") && !mode.equals("allow")) {
      throw SandboxException.invalid(
          what + ": must be \"none\", \"all\" or \"allow\", got \"" + mode + "\"");
    }
    return mode;
  }

  /** The network flag's value: a mode with its allow-list entries. */
  record Net(String mode, List<String> allow) {}

  /** {@code none}, {@code all} or {@code allow=HOST[:PORT][,HOST[:PORT]...]} (the --net flag). */
  static Net net(String what, String spec) {
    String s = spec.trim();
    if (s.startsWith("allow=")) {
      List<String> allow = new ArrayList<>();
      for (String e : s.substring("allow=".length()).split(",", -1)) {
        allow.add(networkEntry(what, e, false));
      }
      return new Net("allow", List.copyOf(allow));
    }
    if (s.equals("none") || s.equals("all")) {
      return new Net(s, List.of());
    }
    throw SandboxException.invalid(
        what + ": '" + spec + "' is not one of none, all, allow=HOST[:PORT][,HOST[:PORT]...]");
  }

  /** Runs a check of the API and puts {@code what} before its message. */
  private static <T> T named(String what, Supplier<T> check) {
    try {
      return check.get();
    } catch (SandboxException e) {
      throw new SandboxException(e.exitCode(), what + ": " + e.getMessage(), e);
    }
  }
}
