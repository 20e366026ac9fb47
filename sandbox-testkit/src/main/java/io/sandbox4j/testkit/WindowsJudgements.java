package io.sandbox4j.testkit;

import java.util.Locale;
import java.util.Optional;

/**
 * The judgements of the Windows scenarios, apart from running them: each takes what was observed
 * from outside (a file's existence or content, a host process, the command's output) and returns
 * the failure to report, or empty when the scenario holds. Kept free of Windows so that {@code
 * WindowsJudgementsTest} runs them on any OS against recorded outcomes, including the ones a broken
 * sandbox or a command that never ran produces.
 */
final class WindowsJudgements {
  private WindowsJudgements() {}

  /** The file name of a scenario's marker: it holds a space, so the line must quote its path. */
  static String markerName(String token) {
    return "sbx4j ran " + token + ".txt";
  }

  /**
   * {@code line} followed by a command that writes the marker at {@code markerPath}, quoted as
   * cmd.exe quotes. cmd.exe runs it whatever the earlier commands did ({@code &}), so a missing
   * marker means the line itself was not parsed as written (for instance quotes escaped with the C
   * runtime's {@code \"}, which cmd.exe does not understand).
   */
  static String marked(String line, String markerPath) {
    return line + " & echo ran> \"" + markerPath + "\"";
  }

  /** The scenario's own command must have run as written, or the scenario tested nothing. */
  static Optional<String> ranAsWritten(boolean markerWritten, String run) {
    return markerWritten
        ? Optional.empty()
        : Optional.of(
            "the scenario's own command did not run as written (its marker file is missing, so"
                + " cmd.exe could not parse the line and the attack was never tried): "
                + run);
  }

  /** A file the command tried to create outside (or on a protected path) must not exist. */
  static Optional<String> notCreated(String path, boolean exists, String run) {
    return exists ? Optional.of(path + " was created (" + run + ")") : Optional.empty();
  }

  /** A file the command tried to change must still hold {@code expected}. */
  static Optional<String> unchanged(
      String path, String expected, Optional<String> actual, String run) {
    if (actual.isEmpty()) {
      return Optional.of(path + " was deleted or replaced (" + run + ")");
    }
    return actual.get().equals(expected)
        ? Optional.empty()
        : Optional.of(path + " was changed to '" + shorten(actual.get()) + "' (" + run + ")");
  }

  /** The host process the command tried to end must still be alive. */
  static Optional<String> hostProcessAlive(long pid, boolean alive, String run) {
    return alive
        ? Optional.empty()
        : Optional.of(
            "the host process " + pid + " was ended from inside the sandbox (" + run + ")");
  }

  /**
   * The command must not have read the raw disk: its output must not carry the first sector as the
   * host reads it ({@code hostHex}, lower-case hex, non-empty). Reading an all-zero sector is no
   * evidence either way, so the caller skips when the host's sector is all zeros.
   */
  static Optional<String> rawDiskNotRead(String hostHex, String output, String run) {
    if (hostHex.isEmpty()) {
      throw new IllegalArgumentException("the host's sector is needed to judge");
    }
    return output.toLowerCase(Locale.ROOT).contains(hostHex.toLowerCase(Locale.ROOT))
        ? Optional.of("the command read the first sector of the raw disk (" + run + ")")
        : Optional.empty();
  }

  /** A task the command tried to register with the task scheduler must not exist. */
  static Optional<String> noScheduledTask(String name, boolean registered, String run) {
    return registered
        ? Optional.of(
            "the scheduled task "
                + name
                + " was registered from inside the sandbox: it would run outside it ("
                + run
                + ")")
        : Optional.empty();
  }

  /**
   * The command's %TEMP% must be its own: neither the host's temporary directory nor one whose
   * files show up there. {@code seenTemp} is what the command printed for %TEMP%.
   */
  static Optional<String> privateTemp(
      String hostTemp, String seenTemp, boolean fileWritten, boolean fileInHostTemp, String run) {
    String seen = trimSeparators(seenTemp);
    if (seen.isEmpty() || seen.equals("%TEMP%")) {
      return Optional.of("the command saw no %TEMP% (" + run + ")");
    }
    if (seen.equalsIgnoreCase(trimSeparators(hostTemp)) || fileInHostTemp) {
      return Optional.of(
          "the command's %TEMP% is the host's " + hostTemp + ", not a private one (" + run + ")");
    }
    return fileWritten
        ? Optional.empty()
        : Optional.of("the command could not use its own %TEMP% " + seen + " (" + run + ")");
  }

  /** With an allow-list, the listed listener must be reached and the other must not. */
  static Optional<String> allowList(
      Optional<String> listedContact, Optional<String> otherContact, String run) {
    if (otherContact.isPresent()) {
      return Optional.of(otherContact.get() + " although it is not allow-listed (" + run + ")");
    }
    return listedContact.isPresent()
        ? Optional.empty()
        : Optional.of("the allow-listed listener saw no connection (over-blocked): " + run);
  }

  /**
   * A proxy-enforced allow-list: the listed server's body read through the proxy and recorded as
   * allowed; the other listener untouched (directly or through the proxy), the proxied attempt
   * recorded as denied.
   */
  static Optional<String> proxyAllowList(
      boolean listedBodyRead,
      boolean listedRecordedAllowed,
      Optional<String> otherContact,
      boolean otherRecordedDenied,
      String runs) {
    if (otherContact.isPresent()) {
      return Optional.of(otherContact.get() + " although it is not allow-listed (" + runs + ")");
    }
    if (!listedBodyRead || !listedRecordedAllowed) {
      return Optional.of(
          "the listed server was not reached through the proxy (over-blocked; is the profile"
              + " exempt from loopback isolation?): "
              + runs);
    }
    return otherRecordedDenied
        ? Optional.empty()
        : Optional.of("the proxy recorded no denial of the unlisted port: " + runs);
  }

  private static String trimSeparators(String path) {
    String p = path.strip();
    while (p.endsWith("\\") || p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String shorten(String s) {
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() > 80 ? one.substring(0, 80) + "..." : one;
  }
}
