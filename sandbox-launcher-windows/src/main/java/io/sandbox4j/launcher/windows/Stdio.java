package io.sandbox4j.launcher.windows;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinBase.SECURITY_ATTRIBUTES;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Redirects;
import java.lang.ProcessBuilder.Redirect;
import java.util.ArrayList;
import java.util.List;

/**
 * The three standard handles of a run: pipes for PIPE redirects (the child end inheritable, the
 * parent end not), the caller's handles for INHERIT, the NUL device for DISCARD. Other redirects
 * are refused rather than silently ignored.
 */
record Stdio(
    HANDLE childIn,
    HANDLE childOut,
    HANDLE childErr,
    HANDLE parentIn,
    HANDLE parentOut,
    HANDLE parentErr) {

  static Stdio open(LaunchSpec spec, Kernel32 k32, Releases now, Releases onFailure) {
    Redirects r = spec.redirects();
    HANDLE[] in = end(r.stdin(), true, Kernel32.STD_INPUT_HANDLE, k32, now, onFailure);
    HANDLE[] out = end(r.stdout(), false, Kernel32.STD_OUTPUT_HANDLE, k32, now, onFailure);
    HANDLE[] err = end(r.stderr(), false, Kernel32.STD_ERROR_HANDLE, k32, now, onFailure);
    return new Stdio(in[0], out[0], err[0], in[1], out[1], err[1]);
  }

  /** The handles the child inherits: exactly these, through PROC_THREAD_ATTRIBUTE_HANDLE_LIST. */
  List<HANDLE> inheritable() {
    List<HANDLE> l = new ArrayList<>();
    for (HANDLE h : List.of(childIn, childOut, childErr)) {
      if (!l.contains(h)) {
        l.add(h);
      }
    }
    return l;
  }

  /** [child end, parent end or null]. */
  private static HANDLE[] end(
      Redirect r, boolean input, int stdId, Kernel32 k32, Releases now, Releases onFailure) {
    SECURITY_ATTRIBUTES sa = new SECURITY_ATTRIBUTES();
    sa.bInheritHandle = true;
    if (r.type() == Redirect.Type.PIPE) {
      HANDLEByReference read = new HANDLEByReference();
      HANDLEByReference write = new HANDLEByReference();
      if (!k32.CreatePipe(read, write, sa, 0)) {
        throw SandboxException.cannotSandbox("CreatePipe failed: error " + Native.getLastError());
      }
      HANDLE child = input ? read.getValue() : write.getValue();
      HANDLE parent = input ? write.getValue() : read.getValue();
      now.add(() -> k32.CloseHandle(child)); // the child holds its own copy once created
      // On success the parent end belongs to the process's stream, which closes it at EOF or on
      // close() (like java.lang.Process, buffered output stays readable after the command ends);
      // on a failed launch it is closed with everything else.
      onFailure.add(() -> k32.CloseHandle(parent));
      if (!k32.SetHandleInformation(parent, Win32Constants.HANDLE_FLAG_INHERIT, 0)) {
        throw SandboxException.cannotSandbox(
            "SetHandleInformation failed: error " + Native.getLastError());
      }
      return new HANDLE[] {child, parent};
    }
    if (r.type() == Redirect.Type.INHERIT) {
      HANDLE h = k32.GetStdHandle(stdId);
      if (h == null || WinBase.INVALID_HANDLE_VALUE.equals(h)) {
        throw SandboxException.cannotSandbox("this process has no standard handle " + stdId);
      }
      if (!k32.SetHandleInformation(
          h, Win32Constants.HANDLE_FLAG_INHERIT, Win32Constants.HANDLE_FLAG_INHERIT)) {
        throw SandboxException.cannotSandbox(
            "SetHandleInformation failed: error " + Native.getLastError());
      }
      return new HANDLE[] {h, null};
    }
    if (r.equals(Redirect.DISCARD) || r.type() == Redirect.Type.READ && input) {
      String path = r.equals(Redirect.DISCARD) ? "NUL" : r.file().getPath();
      HANDLE h =
          k32.CreateFile(
              path,
              input ? WinNT.GENERIC_READ : WinNT.GENERIC_WRITE,
              WinNT.FILE_SHARE_READ | WinNT.FILE_SHARE_WRITE,
              sa,
              WinNT.OPEN_EXISTING,
              0,
              null);
      if (h == null || WinBase.INVALID_HANDLE_VALUE.equals(h)) {
        throw SandboxException.cannotSandbox(
            "cannot open " + path + ": error " + Native.getLastError());
      }
      now.add(() -> k32.CloseHandle(h));
      return new HANDLE[] {h, null};
    }
    if (r.type() == Redirect.Type.WRITE || r.type() == Redirect.Type.APPEND) {
      HANDLE h =
          k32.CreateFile(
              r.file().getPath(),
              r.type() == Redirect.Type.APPEND ? WinNT.FILE_APPEND_DATA : WinNT.GENERIC_WRITE,
              WinNT.FILE_SHARE_READ,
              sa,
              r.type() == Redirect.Type.APPEND ? WinNT.OPEN_ALWAYS : WinNT.CREATE_ALWAYS,
              0,
              null);
      if (h == null || WinBase.INVALID_HANDLE_VALUE.equals(h)) {
        throw SandboxException.cannotSandbox(
            "cannot open " + r.file() + ": error " + Native.getLastError());
      }
      now.add(() -> k32.CloseHandle(h));
      return new HANDLE[] {h, null};
    }
    throw SandboxException.cannotSandbox("the Windows launcher cannot apply redirect " + r);
  }
}
