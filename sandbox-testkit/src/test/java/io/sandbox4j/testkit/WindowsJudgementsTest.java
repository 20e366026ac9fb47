package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Windows scenarios' judgements, run here against the outcomes a Windows run produces (what a
 * command printed, in cmd.exe's, taskkill's and the probe's own words, and which files existed
 * afterwards), including the outcomes of a broken sandbox and of a line cmd.exe could not parse.
 * They are written from those programs' documented messages, not captured from a run here; the
 * scenarios themselves only run on Windows.
 */
class WindowsJudgementsTest {
  /** cmd.exe's answer to a path quoted with the C runtime's \" (ERROR_INVALID_NAME). */
  private static final String UNPARSED =
      "exit 1, output: | The filename, directory name, or volume label syntax is incorrect.";

  private static final String DENIED = "exit 1, output: | Access is denied.";

  @Test
  void theMarkerIsWrittenToAQuotedPathWithASpace() {
    String name = WindowsJudgements.markerName("sbx4jabc");
    assertThat(name).contains(" ").endsWith(".txt");
    assertThat(WindowsJudgements.marked("mklink /J made \"C:\\o\"", "C:\\ws\\" + name))
        .isEqualTo("mklink /J made \"C:\\o\" & echo ran> \"C:\\ws\\sbx4j ran sbx4jabc.txt\"");
  }

  @Test
  void aLineThatDidNotRunFailsTheScenarioInsteadOfPassingIt() {
    // The attack's file is absent, which alone would pass; the missing marker says why.
    assertThat(WindowsJudgements.notCreated("C:\\o\\b.txt", false, UNPARSED)).isEmpty();
    assertThat(WindowsJudgements.ranAsWritten(false, UNPARSED))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("did not run as written", "never tried")
                    .contains("volume label syntax is incorrect"));
    assertThat(WindowsJudgements.ranAsWritten(true, DENIED)).isEmpty();
  }

  @Test
  void aFileCreatedOutsideFails() {
    assertThat(WindowsJudgements.notCreated("C:\\o\\a.txt", true, "exit 0, output: |"))
        .hasValue("C:\\o\\a.txt was created (exit 0, output: |)");
    assertThat(WindowsJudgements.notCreated("C:\\o\\a.txt", false, DENIED)).isEmpty();
  }

  @Test
  void aHardLinkedOrHookFileMustKeepItsContent() {
    assertThat(
            WindowsJudgements.unchanged(
                "victim.txt", "original\n", Optional.of("original\n"), DENIED))
        .isEmpty();
    assertThat(
            WindowsJudgements.unchanged(
                "victim.txt", "original\n", Optional.of("original\npwned \r\n"), "exit 0"))
        .hasValue("victim.txt was changed to 'original pwned' (exit 0)");
    assertThat(WindowsJudgements.unchanged("pre-commit", "x", Optional.empty(), "exit 0"))
        .hasValueSatisfying(m -> assertThat(m).contains("deleted or replaced"));
  }

  @Test
  void aHostProcessEndedFromInsideFails() {
    assertThat(WindowsJudgements.hostProcessAlive(4242, true, "exit 128, output: | ERROR"))
        .isEmpty();
    assertThat(
            WindowsJudgements.hostProcessAlive(
                4242,
                false,
                "exit 0, output: SUCCESS: The process with PID 4242 has been terminated. |"))
        .hasValueSatisfying(m -> assertThat(m).startsWith("the host process 4242 was ended"));
  }

  @Test
  void theRawDiskIsJudgedByTheHostsOwnSector() {
    String sector = "33c08ed0bc007c8ec08ed8be007cbf0006b90002fcf3a450681c06cb" + "55aa";
    assertThat(
            WindowsJudgements.rawDiskNotRead(
                sector, "read 512 " + sector.toUpperCase() + "\r\n", "exit 0"))
        .hasValueSatisfying(m -> assertThat(m).contains("first sector of the raw disk"));
    assertThat(
            WindowsJudgements.rawDiskNotRead(
                sector,
                "",
                "exit 3, output: | probe head: java.io.FileNotFoundException:"
                    + " \\\\.\\PhysicalDrive0 (Access is denied)"))
        .isEmpty();
    // A claim without the bytes proves nothing and does not fail the scenario.
    assertThat(WindowsJudgements.rawDiskNotRead(sector, "read 512 00ff", "exit 0")).isEmpty();
    assertThatThrownBy(() -> WindowsJudgements.rawDiskNotRead("", "read 0 ", "exit 0"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRegisteredScheduledTaskFails() {
    assertThat(
            WindowsJudgements.noScheduledTask(
                "sbx4j-x", true, "exit 0, output: SUCCESS: The scheduled task was created"))
        .hasValueSatisfying(m -> assertThat(m).contains("would run outside"));
    assertThat(WindowsJudgements.noScheduledTask("sbx4j-x", false, DENIED)).isEmpty();
  }

  @Test
  void tempMustBePrivateAndUsable() {
    String host = "C:\\Users\\runneradmin\\AppData\\Local\\Temp";
    String priv = "C:\\Users\\runneradmin\\AppData\\Local\\Temp\\sandbox4j-run-1f3a";
    assertThat(WindowsJudgements.privateTemp(host, priv, true, false, "exit 0")).isEmpty();
    // the host's own TEMP, spelt with another case and a trailing separator
    assertThat(
            WindowsJudgements.privateTemp(
                host, "c:\\users\\RUNNERADMIN\\appdata\\local\\temp\\", true, false, "exit 0"))
        .hasValueSatisfying(m -> assertThat(m).contains("not a private one"));
    assertThat(WindowsJudgements.privateTemp(host, priv, true, true, "exit 0"))
        .hasValueSatisfying(m -> assertThat(m).contains("not a private one"));
    // cmd.exe echoes an unset variable's name
    assertThat(WindowsJudgements.privateTemp(host, "%TEMP%", false, false, "exit 0"))
        .hasValueSatisfying(m -> assertThat(m).contains("saw no %TEMP%"));
    assertThat(WindowsJudgements.privateTemp(host, priv, false, false, DENIED))
        .hasValueSatisfying(m -> assertThat(m).contains("could not use its own %TEMP%"));
  }

  @Test
  void theAllowListMustReachTheListedListenerOnly() {
    Optional<String> contact = Optional.of("tcp listener /127.0.0.1:50001 accepted a connection");
    assertThat(WindowsJudgements.proxyAllowList(true, true, Optional.empty(), true, "r")).isEmpty();
    assertThat(WindowsJudgements.proxyAllowList(true, true, contact, true, "r"))
        .hasValueSatisfying(m -> assertThat(m).contains("although it is not allow-listed"));
    assertThat(WindowsJudgements.proxyAllowList(false, true, Optional.empty(), true, "r"))
        .hasValueSatisfying(m -> assertThat(m).contains("over-blocked"));
    assertThat(WindowsJudgements.proxyAllowList(true, false, Optional.empty(), true, "r"))
        .hasValueSatisfying(m -> assertThat(m).contains("over-blocked"));
    assertThat(WindowsJudgements.proxyAllowList(true, true, Optional.empty(), false, "r"))
        .hasValueSatisfying(m -> assertThat(m).contains("no denial"));
    assertThat(WindowsJudgements.allowList(contact, Optional.empty(), "runs")).isEmpty();
    assertThat(WindowsJudgements.allowList(contact, contact, "runs"))
        .hasValueSatisfying(m -> assertThat(m).contains("not allow-listed"));
    // Loopback isolation alone (no exemption) blocks both: over-blocked, not a pass.
    assertThat(WindowsJudgements.allowList(Optional.empty(), Optional.empty(), "runs"))
        .hasValueSatisfying(m -> assertThat(m).contains("over-blocked"));
  }
}
