package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.spi.PeakMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(value = OS.LINUX, disabledReason = "POSIX file modes")
class UsageReportTest {
  @Test
  void aCgroupFigureWinsOverMaxrssAndTheFileIsRemoved() throws Exception {
    Path f = UsageReport.create();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    Files.writeString(f, "maxrss_kib=2048\ncgroup_memory.peak=9000000\n");
    PeakMemory r = UsageReport.read(f);
    assertThat(r.bytes()).hasValue(9_000_000);
    assertThat(r.source()).contains("memory.peak", "whole tree");
    assertThat(f).doesNotExist();
  }

  @Test
  void withoutACgroupMaxrssCountsInKibAndSaysWhatItIs() throws Exception {
    Path f = UsageReport.create();
    Files.writeString(f, "maxrss_kib=2048\n");
    PeakMemory r = UsageReport.read(f);
    assertThat(r.bytes()).hasValue(2048 * 1024);
    assertThat(r.source()).contains("getrusage maxrss", "largest single process");
  }

  @Test
  void anEmptyOrForgedFileMeasuresNothing() throws Exception {
    Path f = UsageReport.create();
    assertThat(UsageReport.read(f).bytes()).isEmpty();
    Path g = UsageReport.create();
    Files.writeString(
        g, "maxrss_kib=-5\ncgroup_memory.peak=12abc\nmaxrss_kib=99999999999999999999\n");
    PeakMemory r = UsageReport.read(g);
    assertThat(r.bytes()).isEmpty();
    assertThat(r.source()).startsWith("not measured");
  }
}
