package io.sandbox4j.launcher.windows;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.WinBase.PROCESS_INFORMATION;
import com.sun.jna.platform.win32.WinBase.SECURITY_ATTRIBUTES;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SESSION0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SUBLAYER0;
import io.sandbox4j.launcher.windows.Win32Structures.STARTUPINFOEXW;

/**
 * The Win32 functions this module maps by hand (jna-platform 5.19.1 lacks them). Each interface
 * names the DLL whose mingw-w64 import library must export every method name; {@code
 * AbiExportsTest} checks that against src/test/resources/abi/exports. All are loaded lazily, only
 * on Windows. DWORD/BOOL/HRESULT are int or boolean (4 bytes), SIZE_T/ULONG_PTR the BaseTSD types.
 */
final class Win32Libraries {
  private Win32Libraries() {}

  /** kernel32.dll: job objects, thread resume, proc-thread attribute lists, CreateProcessW. */
  interface Kernel32Ext extends Library {
    String DLL = "kernel32";

    HANDLE CreateJobObjectW(SECURITY_ATTRIBUTES attributes, WString name);

    boolean SetInformationJobObject(HANDLE job, int infoClass, Pointer info, int length);

    boolean TerminateJobObject(HANDLE job, int exitCode);

    int ResumeThread(HANDLE thread);

    boolean InitializeProcThreadAttributeList(
        Pointer list, int attributeCount, int flags, ULONG_PTRByReference size);

    boolean UpdateProcThreadAttribute(
        Pointer list,
        int flags,
        ULONG_PTR attribute,
        Pointer value,
        SIZE_T size,
        Pointer previousValue,
        Pointer returnSize);

    void DeleteProcThreadAttributeList(Pointer list);

    boolean CreateProcessW(
        WString applicationName,
        Pointer commandLine,
        SECURITY_ATTRIBUTES processAttributes,
        SECURITY_ATTRIBUTES threadAttributes,
        boolean inheritHandles,
        int creationFlags,
        Pointer environment,
        WString currentDirectory,
        STARTUPINFOEXW startupInfo,
        PROCESS_INFORMATION processInformation);

    boolean CreateDirectoryW(WString path, SECURITY_ATTRIBUTES attributes);

    boolean IsProcessInJob(HANDLE process, HANDLE job, IntByReference result);
  }

  /** advapi32.dll: restricted tokens, token information, ACL editing, SDDL. */
  interface Advapi32Ext extends Library {
    String DLL = "advapi32";

    boolean CreateRestrictedToken(
        HANDLE existingToken,
        int flags,
        int disableSidCount,
        Pointer sidsToDisable,
        int deletePrivilegeCount,
        Pointer privilegesToDelete,
        int restrictedSidCount,
        Pointer sidsToRestrict,
        HANDLEByReference newToken);

    boolean SetTokenInformation(HANDLE token, int infoClass, Pointer info, int length);

    boolean CreateProcessAsUserW(
        HANDLE token,
        WString applicationName,
        Pointer commandLine,
        SECURITY_ATTRIBUTES processAttributes,
        SECURITY_ATTRIBUTES threadAttributes,
        boolean inheritHandles,
        int creationFlags,
        Pointer environment,
        WString currentDirectory,
        STARTUPINFOEXW startupInfo,
        PROCESS_INFORMATION processInformation);

    int SetEntriesInAclW(int count, Pointer entries, Pointer oldAcl, PointerByReference newAcl);

    boolean DeleteAce(Pointer acl, int aceIndex);

    boolean ConvertStringSecurityDescriptorToSecurityDescriptorW(
        WString sddl, int revision, PointerByReference descriptor, IntByReference size);

    Pointer FreeSid(Pointer sid);

    boolean GetSecurityDescriptorSacl(
        Pointer descriptor,
        IntByReference saclPresent,
        PointerByReference sacl,
        IntByReference saclDefaulted);
  }

  /** userenv.dll: AppContainer profiles. Every function returns an HRESULT. */
  interface Userenv extends Library {
    String DLL = "userenv";

    int CreateAppContainerProfile(
        WString name,
        WString displayName,
        WString description,
        Pointer capabilities,
        int capabilityCount,
        PointerByReference sid);

    int DeriveAppContainerSidFromAppContainerName(WString name, PointerByReference sid);

    int DeleteAppContainerProfile(WString name);
  }

  /** fwpuclnt.dll: the WFP management API. Every function returns a Win32 error code. */
  interface Fwpuclnt extends Library {
    String DLL = "fwpuclnt";

    int FwpmEngineOpen0(
        WString serverName,
        int authnService,
        Pointer authIdentity,
        FWPM_SESSION0 session,
        HANDLEByReference engine);

    int FwpmEngineClose0(HANDLE engine);

    int FwpmTransactionBegin0(HANDLE engine, int flags);

    int FwpmTransactionCommit0(HANDLE engine);

    int FwpmTransactionAbort0(HANDLE engine);

    int FwpmSubLayerAdd0(HANDLE engine, FWPM_SUBLAYER0 subLayer, Pointer securityDescriptor);

    int FwpmFilterAdd0(
        HANDLE engine, FWPM_FILTER0 filter, Pointer securityDescriptor, LongByReference id);
  }

  /** user32.dll: the private desktop. */
  interface User32Ext extends Library {
    String DLL = "user32";

    HANDLE CreateDesktopW(
        WString name,
        WString device,
        Pointer devMode,
        int flags,
        int desiredAccess,
        SECURITY_ATTRIBUTES attributes);

    boolean CloseDesktop(HANDLE desktop);

    /** The caller's window station (not to be closed). */
    HANDLE GetProcessWindowStation();

    boolean GetUserObjectInformationW(
        HANDLE object, int index, Pointer info, int length, IntByReference lengthNeeded);
  }

  /** The loaded libraries; created only when the launcher runs on Windows. */
  record Loaded(
      Kernel32Ext kernel32,
      Advapi32Ext advapi32,
      Userenv userenv,
      Fwpuclnt fwpuclnt,
      User32Ext user32) {

    static Loaded load() {
      return new Loaded(
          Native.load(Kernel32Ext.DLL, Kernel32Ext.class),
          Native.load(Advapi32Ext.DLL, Advapi32Ext.class),
          Native.load(Userenv.DLL, Userenv.class),
          Native.load(Fwpuclnt.DLL, Fwpuclnt.class),
          Native.load(User32Ext.DLL, User32Ext.class));
    }
  }
}
