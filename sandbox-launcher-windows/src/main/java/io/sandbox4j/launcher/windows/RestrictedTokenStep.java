package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinDef.BOOLByReference;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.platform.win32.WinNT.PACLByReference;
import com.sun.jna.platform.win32.WinNT.PSID;
import com.sun.jna.platform.win32.WinNT.SECURITY_DESCRIPTOR;
import com.sun.jna.ptr.IntByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.TOKEN_DEFAULT_DACL;
import io.sandbox4j.launcher.windows.Win32Structures.TOKEN_MANDATORY_LABEL;
import java.util.Optional;

/**
 * The token step: OpenProcessToken on the caller, CreateRestrictedToken (privileges, deny-only and
 * restricting SIDs), SetTokenInformation for the integrity level and the default DACL. Every
 * handle, SID and descriptor it makes is released by {@code now}: the token is only needed until
 * CreateProcessAsUserW has returned.
 */
final class RestrictedTokenStep {
  private final Win32Libraries.Loaded lib;
  private final Kernel32 k32 = Kernel32.INSTANCE;

  RestrictedTokenStep(Win32Libraries.Loaded lib) {
    this.lib = lib;
  }

  /** The caller's user SID, in string form (the private objects' DACLs grant it). */
  String callerSid(Releases now) {
    return Advapi32Util.getTokenAccount(callerToken(now)).sidString;
  }

  private HANDLE callerToken(Releases now) {
    HANDLEByReference ref = new HANDLEByReference();
    int access =
        Win32Constants.TOKEN_DUPLICATE
            | Win32Constants.TOKEN_QUERY
            | Win32Constants.TOKEN_ASSIGN_PRIMARY
            | Win32Constants.TOKEN_ADJUST_DEFAULT;
    if (!Advapi32.INSTANCE.OpenProcessToken(k32.GetCurrentProcess(), access, ref)) {
      throw SandboxException.cannotSandbox(
          "OpenProcessToken failed: error " + Native.getLastError());
    }
    HANDLE h = ref.getValue();
    now.add(() -> k32.CloseHandle(h));
    return h;
  }

  /**
   * A restricted copy of the caller's primary token, as {@code spec} says, with the caller's logon
   * SID in place of {@link Sid#LOGON_SESSION}.
   */
  HANDLE create(RestrictedTokenSpec planned, String userSid, Releases now) {
    HANDLE base = callerToken(now);
    RestrictedTokenSpec spec = WindowsPlanner.withLogonSid(planned, logonSid(base));
    Memory disable = NativeAcls.sidAndAttributes(spec.denyOnlySids(), 0, now);
    Memory restrict = NativeAcls.sidAndAttributes(spec.restrictingSids(), 0, now);
    HANDLEByReference out = new HANDLEByReference();
    if (!lib.advapi32()
        .CreateRestrictedToken(
            base,
            spec.flags(),
            spec.denyOnlySids().size(),
            disable,
            0,
            null,
            spec.restrictingSids().size(),
            restrict,
            out)) {
      throw SandboxException.cannotSandbox(
          "CreateRestrictedToken failed: error " + Native.getLastError());
    }
    HANDLE token = out.getValue();
    now.add(() -> k32.CloseHandle(token));
    setIntegrityLevel(token, spec.integrityLevel(), now);
    setDefaultDacl(token, WindowsPlanner.defaultDaclSddl(userSid, spec), now);
    return token;
  }

  /** The caller's logon SID: the token group flagged SE_GROUP_LOGON_ID, if there is one. */
  static Optional<Sid> logonSid(HANDLE token) {
    IntByReference size = new IntByReference();
    Advapi32.INSTANCE.GetTokenInformation(token, Win32Constants.TokenGroups, null, 0, size);
    if (size.getValue() == 0) {
      throw SandboxException.cannotSandbox(
          "GetTokenInformation(TokenGroups) failed: error " + Native.getLastError());
    }
    WinNT.TOKEN_GROUPS groups = new WinNT.TOKEN_GROUPS(size.getValue());
    if (!Advapi32.INSTANCE.GetTokenInformation(
        token, Win32Constants.TokenGroups, groups, size.getValue(), size)) {
      throw SandboxException.cannotSandbox(
          "GetTokenInformation(TokenGroups) failed: error " + Native.getLastError());
    }
    for (WinNT.SID_AND_ATTRIBUTES g : groups.getGroups()) {
      if ((g.Attributes & Win32Constants.SE_GROUP_LOGON_ID) == Win32Constants.SE_GROUP_LOGON_ID) {
        return Optional.of(new Sid(NativeAcls.sidString(g.Sid.getPointer())));
      }
    }
    return Optional.empty();
  }

  private void setIntegrityLevel(HANDLE token, Sid level, Releases now) {
    Pointer sid = NativeAcls.sid(level.value());
    now.add(() -> k32.LocalFree(sid));
    TOKEN_MANDATORY_LABEL label = new TOKEN_MANDATORY_LABEL();
    label.Label.Sid = sid;
    label.Label.Attributes = Win32Constants.SE_GROUP_INTEGRITY;
    label.write();
    int labelSize = label.size() + Advapi32.INSTANCE.GetLengthSid(new PSID(sid));
    if (!lib.advapi32()
        .SetTokenInformation(
            token, Win32Constants.TokenIntegrityLevel, label.getPointer(), labelSize)) {
      throw SandboxException.cannotSandbox(
          "SetTokenInformation(TokenIntegrityLevel "
              + level
              + ") failed: error "
              + Native.getLastError());
    }
  }

  /** The DACL of the objects the restricted process creates, so that it can open them again. */
  private void setDefaultDacl(HANDLE token, String sddl, Releases now) {
    Pointer sd = new NativeAcls(lib).securityDescriptor(sddl);
    now.add(() -> k32.LocalFree(sd));
    BOOLByReference present = new BOOLByReference();
    BOOLByReference defaulted = new BOOLByReference();
    PACLByReference dacl = new PACLByReference();
    if (!Advapi32.INSTANCE.GetSecurityDescriptorDacl(
        new SECURITY_DESCRIPTOR(sd), present, dacl, defaulted)) {
      throw SandboxException.cannotSandbox(
          "GetSecurityDescriptorDacl failed: error " + Native.getLastError());
    }
    TOKEN_DEFAULT_DACL dd = new TOKEN_DEFAULT_DACL();
    dd.DefaultDacl = dacl.getValue().getPointer();
    dd.write();
    if (!lib.advapi32()
        .SetTokenInformation(token, Win32Constants.TokenDefaultDacl, dd.getPointer(), dd.size())) {
      throw SandboxException.cannotSandbox(
          "SetTokenInformation(TokenDefaultDacl) failed: error " + Native.getLastError());
    }
  }
}
