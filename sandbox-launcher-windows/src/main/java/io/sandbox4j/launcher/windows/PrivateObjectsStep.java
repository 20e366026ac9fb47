package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase.SECURITY_ATTRIBUTES;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;

/**
 * The run's private objects, each created with a DACL for the caller and the run's SID only (SDDL
 * from {@link WindowsPlanner}): the temporary directory (CreateDirectoryW, set as TEMP and TMP) and
 * the desktop (CreateDesktopW). Their descriptors are released by {@code now}; the directory and
 * the desktop belong to the run and are released by {@code run}, after the command.
 */
final class PrivateObjectsStep {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Win32Libraries.Loaded lib;
  private final NativeAcls acls;
  private final Kernel32 k32 = Kernel32.INSTANCE;

  PrivateObjectsStep(Win32Libraries.Loaded lib, NativeAcls acls) {
    this.lib = lib;
    this.acls = acls;
  }

  /** A new empty directory under {@code parent}; deleted with its contents when the run ends. */
  Path temporaryDirectory(Path parent, Sid runSid, String userSid, Releases now, Releases run)
      throws IOException {
    Files.createDirectories(parent);
    Path dir = parent.resolve("run-" + Long.toUnsignedString(RANDOM.nextLong(), 36));
    SECURITY_ATTRIBUTES sa =
        securityAttributes(WindowsPlanner.privateTmpSddl(userSid, runSid), now);
    if (!lib.kernel32().CreateDirectoryW(new WString(dir.toString()), sa)) {
      throw SandboxException.cannotSandbox(
          "CreateDirectoryW(" + dir + ") failed: error " + Native.getLastError());
    }
    run.add(() -> deleteTree(dir));
    return dir;
  }

  /**
   * A new desktop on this process's window station; "window station\\desktop" ({@link
   * WindowsPlanner#desktopName}) goes into STARTUPINFO.lpDesktop.
   */
  String desktop(Sid runSid, String userSid, Releases now, Releases run) {
    SECURITY_ATTRIBUTES sa = securityAttributes(WindowsPlanner.desktopSddl(userSid, runSid), now);
    String name = "sandbox4j-" + Long.toUnsignedString(RANDOM.nextLong(), 36);
    HANDLE desk =
        lib.user32()
            .CreateDesktopW(
                new WString(name),
                null,
                null,
                0,
                Win32Constants.DESKTOP_CREATEWINDOW
                    | Win32Constants.DESKTOP_READOBJECTS
                    | Win32Constants.DESKTOP_WRITEOBJECTS,
                sa);
    if (desk == null) {
      throw SandboxException.cannotSandbox(
          "CreateDesktopW(" + name + ") failed: error " + Native.getLastError());
    }
    run.add(() -> lib.user32().CloseDesktop(desk));
    return WindowsPlanner.desktopName(windowStationName(), name);
  }

  /** The name of this process's window station (GetUserObjectInformationW, UOI_NAME). */
  private String windowStationName() {
    HANDLE station = lib.user32().GetProcessWindowStation();
    if (station == null) {
      throw SandboxException.cannotSandbox(
          "GetProcessWindowStation failed: error " + Native.getLastError());
    }
    IntByReference needed = new IntByReference();
    lib.user32().GetUserObjectInformationW(station, Win32Constants.UOI_NAME, null, 0, needed);
    if (needed.getValue() <= 0) {
      throw SandboxException.cannotSandbox(
          "GetUserObjectInformationW(UOI_NAME) failed: error " + Native.getLastError());
    }
    Memory buf = new Memory(needed.getValue() + 2L);
    buf.clear();
    if (!lib.user32()
        .GetUserObjectInformationW(
            station, Win32Constants.UOI_NAME, buf, needed.getValue(), needed)) {
      throw SandboxException.cannotSandbox(
          "GetUserObjectInformationW(UOI_NAME) failed: error " + Native.getLastError());
    }
    return buf.getWideString(0);
  }

  private SECURITY_ATTRIBUTES securityAttributes(String sddl, Releases now) {
    Pointer sd = acls.securityDescriptor(sddl);
    now.add(() -> k32.LocalFree(sd));
    SECURITY_ATTRIBUTES sa = new SECURITY_ATTRIBUTES();
    sa.lpSecurityDescriptor = sd;
    sa.bInheritHandle = false;
    return sa;
  }

  /** Deletes {@code dir} and everything beneath it, deepest first. */
  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot delete private temp " + dir + " (left in place; delete it later)", e);
    }
  }
}
