package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.SECURITY_CAPABILITIES;
import java.util.ArrayList;
import java.util.List;

/**
 * The PROC_THREAD_ATTRIBUTE_LIST of STARTUPINFOEXW: InitializeProcThreadAttributeList, one
 * UpdateProcThreadAttribute per entry of {@link WindowsPlanner#attributeList}. The list must stay
 * valid, with every value it points to, until CreateProcess has returned: {@code now} deletes it
 * and drops the values then.
 */
final class ProcThreadAttributeList {
  private ProcThreadAttributeList() {}

  /** One attribute's value: the memory UpdateProcThreadAttribute points at, and its length. */
  record Value(Pointer pointer, long length) {}

  /**
   * What the list's attributes point at, given what the steps before made.
   *
   * @param inheritable the handles the child inherits (HANDLE_LIST)
   * @param job the job the process is created in (JOB_LIST)
   * @param capabilities the SECURITY_CAPABILITIES value, or null without an AppContainer
   */
  record Inputs(List<HANDLE> inheritable, HANDLE job, SECURITY_CAPABILITIES capabilities) {}

  /** The value of attribute {@code attr}; pure memory layout, tested on any OS. */
  static Value value(int attr, Inputs in) {
    if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_HANDLE_LIST) {
      List<HANDLE> handles = in.inheritable();
      Memory m = new Memory((long) Native.POINTER_SIZE * handles.size());
      for (int i = 0; i < handles.size(); i++) {
        m.setPointer((long) i * Native.POINTER_SIZE, handles.get(i).getPointer());
      }
      return new Value(m, m.size());
    }
    if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES) {
      SECURITY_CAPABILITIES sc = in.capabilities();
      if (sc == null) {
        throw new IllegalStateException("SECURITY_CAPABILITIES without an AppContainer");
      }
      return new Value(sc.getPointer(), sc.size());
    }
    if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY) {
      Memory m = new Memory(4);
      m.setInt(0, Win32Constants.PROCESS_CREATION_ALL_APPLICATION_PACKAGES_OPT_OUT);
      return new Value(m, 4);
    }
    if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_JOB_LIST) {
      Memory m = new Memory(Native.POINTER_SIZE);
      m.setPointer(0, in.job().getPointer());
      return new Value(m, Native.POINTER_SIZE);
    }
    throw new IllegalStateException("unknown attribute 0x" + Integer.toHexString(attr));
  }

  /** The initialized list with every attribute of {@code attrs} set; deleted by {@code now}. */
  static Pointer create(
      Win32Libraries.Kernel32Ext k32x, List<Integer> attrs, Inputs in, Releases now) {
    ULONG_PTRByReference size = new ULONG_PTRByReference();
    // The first call fails by design and reports the size needed.
    k32x.InitializeProcThreadAttributeList(null, attrs.size(), 0, size);
    Memory list = new Memory(size.getValue().longValue());
    if (!k32x.InitializeProcThreadAttributeList(list, attrs.size(), 0, size)) {
      throw SandboxException.cannotSandbox(
          "InitializeProcThreadAttributeList failed: error " + Native.getLastError());
    }
    List<Object> keepAlive = new ArrayList<>(); // the values, and the inputs they point into
    keepAlive.add(in);
    now.add(
        () -> {
          k32x.DeleteProcThreadAttributeList(list);
          keepAlive.clear();
        });
    for (int attr : attrs) {
      Value v = value(attr, in);
      keepAlive.add(v);
      if (!k32x.UpdateProcThreadAttribute(
          list, 0, new ULONG_PTR(attr), v.pointer(), new SIZE_T(v.length()), null, null)) {
        throw SandboxException.cannotSandbox(
            "UpdateProcThreadAttribute(0x"
                + Integer.toHexString(attr)
                + ") failed: error "
                + Native.getLastError());
      }
    }
    return list;
  }
}
