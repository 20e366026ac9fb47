package io.sandbox4j.testkit;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A pseudo-terminal a script opens on the host, for scenarios that hand it to the command as
 * standard input. The script prints the terminal's path first; later lines are its answers. The
 * scenario ends the script when it ends, and is skipped where the host has no pseudo-terminal.
 *
 * @param process the script
 * @param answers the script's standard output after the path
 * @param pts the terminal's path
 */
record HostTerminal(Process process, BufferedReader answers, String pts) {

  /** Starts {@code script} on the host and reads the terminal's path it prints. */
  static HostTerminal open(ScenarioContext ctx, List<String> script) throws IOException {
    Process process = new ProcessBuilder(script).redirectError(Redirect.DISCARD).start();
    ctx.closeLater(new ProcessScenarios.HostProcessHandle(process));
    BufferedReader answers =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String pts = answers.readLine();
    ctx.assume(
        pts != null && pts.startsWith("/dev/"), "could not open a pseudo-terminal on the host");
    return new HostTerminal(process, answers, pts);
  }

  /** The terminal as a command's standard input. */
  Redirect input() {
    return Redirect.from(new File(pts));
  }
}
