package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sandbox4j.api.ResourceLimits;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.api.spi.WorkspaceLayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class WindowsLauncherTest {
  @TempDir Path ws;

  @Test
  void elsewhereThanWindowsTheLauncherSaysItRequiresWindows() {
    WindowsLauncher l = new WindowsLauncher("Linux");
    assertThat(l.probe().available()).isFalse();
    assertThat(l.probe().detail()).isEqualTo("requires Windows (this host is Linux)");
    assertThat(l.extensionTypes()).containsExactly(WindowsLaunchPlan.class);
    LaunchSpec spec = new LaunchSpec(SandboxPolicy.defaults(ws), List.of("cmd"), ws, Map.of());
    assertThatThrownBy(() -> l.launch(spec))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("requires Windows")
        .extracting(e -> ((SandboxException) e).exitCode())
        .isEqualTo(125);
  }

  @Test
  void extensionsTheEngineAppliesDoNotStopTheLaunch() {
    // an allow-list run carries the engine's RunProxy and an --ephemeral run a WorkspaceLayer
    // beside
    // the Windows plan; the launcher refused both before it got to the native calls
    WindowsLauncher l = new WindowsLauncher("Windows 11", "10.0");
    LaunchSpec spec =
        new LaunchSpec(SandboxPolicy.defaults(ws), List.of("cmd.exe"), ws, Map.of("PATH", "C:\\"));
    spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new)
        .limitJob(WindowsPlanner.jobLimits(ResourceLimits.NONE, false));
    spec.extension(
        WorkspaceLayer.class,
        () -> new WorkspaceLayer(ws, ws.resolve("upper"), ws.resolve("work"), ws.resolve("store")));
    Throwable t = catchThrowable(() -> l.launch(spec).killTree());
    if (t != null) {
      // here (not Windows) the launch fails later, loading the Win32 libraries
      assertThat(t).hasMessageNotContaining("cannot apply the");
    }
  }

  @Test
  void windowsIsRecognisedByOsName() {
    assertThat(WindowsLauncher.isWindows("Windows Server 2022")).isTrue();
    assertThat(WindowsLauncher.isWindows("Mac OS X")).isFalse();
  }

  private static LaunchSpec jobOnlySpec(Path ws, List<String> cmd, ResourceLimits r) {
    SandboxPolicy p = SandboxPolicy.builder(ws).resources(r).build();
    LaunchSpec spec =
        new LaunchSpec(
            p,
            cmd,
            ws,
            Map.of(
                "PATH", System.getenv("PATH"),
                "SystemRoot", System.getenv("SystemRoot")));
    spec.redirects(Redirects.PIPE);
    spec.extension(WindowsLaunchPlan.class, WindowsLaunchPlan::new)
        .limitJob(WindowsPlanner.jobLimits(r, false));
    return spec;
  }

  @Test
  @EnabledOnOs(value = OS.WINDOWS, disabledReason = "runs a command through the Win32 launcher")
  void exitCodesPassThroughAndOutputIsPiped() throws Exception {
    SandboxProcess p =
        new WindowsLauncher()
            .launch(
                jobOnlySpec(ws, List.of("cmd.exe", "/c", "echo hi& exit 7"), ResourceLimits.NONE));
    String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isEqualTo(7);
    assertThat(out.trim()).isEqualTo("hi");
  }

  @Test
  @EnabledOnOs(value = OS.WINDOWS, disabledReason = "runs a command through the Win32 launcher")
  void killTreeEndsTheJob() throws Exception {
    SandboxProcess p =
        new WindowsLauncher()
            .launch(
                jobOnlySpec(
                    ws,
                    List.of("cmd.exe", "/c", "ping -n 60 127.0.0.1 >NUL"),
                    ResourceLimits.NONE.withTimeout(Duration.ofMinutes(1))));
    assertThat(p.isAlive()).isTrue();
    p.killTree();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.isAlive()).isFalse();
  }

  @Test
  @EnabledOnOs(value = OS.WINDOWS, disabledReason = "runs a command through the Win32 launcher")
  void theActiveProcessLimitStopsFurtherProcesses() throws Exception {
    // Three nested cmd.exe: without a limit the innermost prints; with two processes allowed it
    // cannot start (whether or not the console host counts against the job).
    List<String> nested = List.of("cmd.exe", "/c", "cmd.exe /c cmd.exe /c echo spawned");
    assertThat(output(new WindowsLauncher().launch(jobOnlySpec(ws, nested, ResourceLimits.NONE))))
        .contains("spawned");
    assertThat(
            output(
                new WindowsLauncher()
                    .launch(jobOnlySpec(ws, nested, ResourceLimits.NONE.withMaxProcesses(2)))))
        .doesNotContain("spawned");
  }

  private static String output(SandboxProcess p) throws Exception {
    String out = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
