package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SUBLAYER0;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What the Windows isolators know about the host, read once per engine ({@link
 * WindowsPlatform#host()}), and the host checks their probes share. A record, so that tests pass
 * any values.
 *
 * @param osName the os.name property
 * @param osVersion the os.version property
 * @param environment the caller's environment (the private temp directory lives under its
 *     LOCALAPPDATA)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record WindowsHost(String osName, String osVersion, Map<String, String> environment) {

  public WindowsHost {
    environment = Map.copyOf(environment);
  }

  /** This JVM's host: its os.name and os.version properties and its environment. */
  public static WindowsHost current() {
    return new WindowsHost(
        System.getProperty("os.name", "unknown"),
        System.getProperty("os.version", ""),
        System.getenv());
  }

  /** Whether this host can run the Windows launcher: see {@link #probeOs(String, String)}. */
  public Availability probeOs() {
    return probeOs(osName, osVersion);
  }

  /**
   * Whether this OS can run the Windows launcher: Windows 10 / Server 2016 or later (the job-list
   * process attribute and AppContainer launch need it). Pure: tested with any strings.
   */
  public static Availability probeOs(String osName, String osVersion) {
    return probeOs(osName, osVersion, System.getProperty("os.arch", ""));
  }

  /**
   * As {@link #probeOs(String, String)}, for a JVM architecture: the hand-mapped structures are
   * checked against the x64 layouts, which 64-bit ARM Windows shares; a 32-bit JVM is refused.
   */
  public static Availability probeOs(String osName, String osVersion, String osArch) {
    if (!WindowsLauncher.isWindows(osName)) {
      return Availability.unavailable(WindowsLauncher.requiresWindows(osName));
    }
    if (!java.util.Set.of("amd64", "x86_64", "aarch64").contains(osArch)) {
      return Availability.unavailable(
          "requires a 64-bit JVM (amd64 or aarch64); this JVM is " + osArch);
    }
    int major;
    try {
      major = Integer.parseInt(osVersion.split("\\.")[0]);
    } catch (NumberFormatException e) {
      return Availability.unavailable(
          "requires Windows 10 or later (cannot read the version '" + osVersion + "')");
    }
    if (major < 10) {
      return Availability.unavailable(
          "requires Windows 10 / Server 2016 or later (this host is "
              + osName
              + " "
              + osVersion
              + ")");
    }
    return Availability.available(osName + " " + osVersion);
  }

  /**
   * Whether this process may add WFP filters: opens a dynamic session and adds a sublayer inside a
   * transaction it then aborts, so nothing is left behind. Windows only.
   */
  public static Availability probeWfp() {
    Win32Libraries.Fwpuclnt fwp;
    try {
      fwp = com.sun.jna.Native.load(Win32Libraries.Fwpuclnt.DLL, Win32Libraries.Fwpuclnt.class);
    } catch (UnsatisfiedLinkError e) {
      return Availability.unavailable("requires fwpuclnt.dll (Windows Filtering Platform): " + e);
    }
    HANDLEByReference ref = new HANDLEByReference();
    int rc = WfpSession.openDynamic(fwp, ref);
    if (rc != 0) {
      return Availability.unavailable(
          "requires access to the Windows Filtering Platform (FwpmEngineOpen0 error 0x"
              + Integer.toHexString(rc)
              + ")"
              + WfpErrors.hint(rc));
    }
    HANDLE engine = ref.getValue();
    try {
      rc = fwp.FwpmTransactionBegin0(engine, 0);
      if (rc != 0) {
        return Availability.unavailable(
            "requires administrator rights to add WFP filters (FwpmTransactionBegin0 error 0x"
                + Integer.toHexString(rc)
                + ")");
      }
      try {
        FWPM_SUBLAYER0 sub = new FWPM_SUBLAYER0();
        sub.subLayerKey =
            new com.sun.jna.platform.win32.Guid.GUID(
                com.sun.jna.platform.win32.Guid.GUID.newGuid().toByteArray());
        sub.displayData.name = NativeAcls.wide("sandbox4j probe");
        rc = fwp.FwpmSubLayerAdd0(engine, sub, null);
        if (rc != 0) {
          return Availability.unavailable(
              "requires administrator rights to add WFP filters (FwpmSubLayerAdd0 error 0x"
                  + Integer.toHexString(rc)
                  + "): run elevated, or use network mode 'none'");
        }
      } finally {
        fwp.FwpmTransactionAbort0(engine);
      }
    } finally {
      fwp.FwpmEngineClose0(engine);
    }
    return Availability.available("dynamic WFP session (filters vanish with the run)");
  }
}
