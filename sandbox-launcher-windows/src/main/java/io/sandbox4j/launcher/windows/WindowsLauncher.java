package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.AbstractLauncher;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The Windows launcher shared by the appcontainer, restrictedtoken and wfp backends: applies a
 * {@link WindowsLaunchPlan} with one CreateProcess(AsUser)W (see {@link NativeLaunch}).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class WindowsLauncher extends AbstractLauncher {
  private final String osName;
  private final String osVersion;
  private volatile Win32Libraries.Loaded libraries; // loaded on the first launch, on Windows only

  public WindowsLauncher() {
    this(System.getProperty("os.name", "unknown"), System.getProperty("os.version", ""));
  }

  WindowsLauncher(String osName) {
    this(osName, "");
  }

  WindowsLauncher(String osName, String osVersion) {
    super("windows-native", Set.of(WindowsLaunchPlan.class));
    this.osName = osName;
    this.osVersion = osVersion;
  }

  /** Whether {@code osName} (the os.name property) names Windows. */
  public static boolean isWindows(String osName) {
    return osName.toLowerCase(Locale.ROOT).startsWith("windows");
  }

  /** The reason every Windows isolator gives on another OS. */
  public static String requiresWindows(String osName) {
    return "requires Windows (this host is " + osName + ")";
  }

  @Override
  public Availability probe() {
    Availability os = WindowsHost.probeOs(osName, osVersion);
    if (!os.available()) {
      return os;
    }
    return Availability.available(
        "CreateProcess(AsUser)W with job objects through JNA on " + os.detail());
  }

  @Override
  public SandboxProcess launch(LaunchSpec spec) throws IOException {
    if (!isWindows(osName)) {
      throw SandboxException.cannotSandbox("the Windows launcher " + requiresWindows(osName));
    }
    WindowsLaunchPlan plan =
        spec.requireExtension(
            WindowsLaunchPlan.class,
            "no Windows launch plan: no Windows isolator contributed to this run");
    // Other extensions on the spec are not this launcher's: the engine applies the filtering proxy
    // (RunProxy) and isolators turned a WorkspaceLayer into this plan; core picks a launcher whose
    // extensionTypes() cover every extension that a launcher must apply.
    // Refusals the planner decides, before anything native is done.
    WindowsPlanner.checkEnforceable(plan, spec.policy().network().mode());
    Win32Libraries.Loaded lib = libraries;
    if (lib == null) {
      lib = Win32Libraries.Loaded.load();
      libraries = lib;
    }
    return new NativeLaunch(lib).launch(spec, plan);
  }
}
