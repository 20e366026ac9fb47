package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.spi.Availability;
import org.junit.jupiter.api.Test;

class WindowsHostTest {

  @Test
  void onlyWindows10OrLaterQualifies() {
    assertThat(WindowsHost.probeOs("Linux", "6.18.0"))
        .isEqualTo(Availability.unavailable("requires Windows (this host is Linux)"));
    assertThat(WindowsHost.probeOs("Windows 7", "6.1", "amd64").detail())
        .isEqualTo("requires Windows 10 / Server 2016 or later (this host is Windows 7 6.1)");
    assertThat(WindowsHost.probeOs("Windows 11", "10.0", "amd64").available()).isTrue();
    assertThat(WindowsHost.probeOs("Windows 11", "x", "amd64").detail())
        .contains("cannot read the version");
    assertThat(WindowsHost.probeOs("Windows 11", "10.0", "x86").detail())
        .isEqualTo("requires a 64-bit JVM (amd64 or aarch64); this JVM is x86");
  }

  @Test
  void aPlanGivesOneRunSidToEveryIsolator() {
    WindowsLaunchPlan plan = new WindowsLaunchPlan();
    assertThat(plan.runSid()).isSameAs(plan.runSid());
    assertThat(plan.runSid()).isNotEqualTo(new WindowsLaunchPlan().runSid());
  }
}
