package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report is written after the command ran, by the caller, often into the workspace the command
 * could write: what the command planted there must not redirect the write outside.
 */
class RunReportTest {
  @TempDir Path dir;

  @Test
  void aLinkPlantedAsTheReportIsReplacedNotFollowed() throws IOException {
    Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
    Path ws = Files.createDirectory(dir.resolve("ws"));
    RunReport.Target target = RunReport.Target.before(ws.resolve("report.json"));
    Files.createSymbolicLink(ws.resolve("report.json"), victim); // what the command did
    StringWriter err = new StringWriter();

    RunReport.writeSafely(target, "{}\n", new PrintWriter(err));

    assertThat(err.toString()).isEmpty();
    assertThat(Files.readString(victim)).isEqualTo("precious\n");
    assertThat(Files.isSymbolicLink(ws.resolve("report.json"))).isFalse();
    assertThat(Files.readString(ws.resolve("report.json"))).isEqualTo("{}\n");
    try (var left = Files.list(ws)) {
      assertThat(left).containsExactly(ws.resolve("report.json"));
    }
  }

  @Test
  void aDirectoryTurnedIntoALinkDuringTheRunIsRefused() throws IOException {
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
    Path out = Files.createDirectories(dir.resolve("ws/out"));
    RunReport.Target target = RunReport.Target.before(out.resolve("report.json"));
    Files.delete(out);
    Files.createSymbolicLink(out, elsewhere); // what the command did
    StringWriter err = new StringWriter();

    RunReport.writeSafely(target, "{}\n", new PrintWriter(err));

    assertThat(err.toString())
        .startsWith("sandbox: cannot write the run report " + out.resolve("report.json"))
        .contains("now leads to " + elsewhere.toRealPath())
        .contains("a link made during the run");
    try (var left = Files.list(elsewhere)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aDirectoryThatDidNotExistBeforeTheRunIsNamed() {
    RunReport.Target target = RunReport.Target.before(dir.resolve("later/report.json"));
    StringWriter err = new StringWriter();

    RunReport.writeSafely(target, "{}\n", new PrintWriter(err));

    assertThat(err.toString()).contains("its directory did not exist before the run");
  }
}
