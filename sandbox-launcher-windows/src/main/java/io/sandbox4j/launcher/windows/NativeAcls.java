package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinNT.ACCESS_ACEStructure;
import com.sun.jna.platform.win32.WinNT.ACE_HEADER;
import com.sun.jna.platform.win32.WinNT.ACL;
import com.sun.jna.platform.win32.WinNT.PSID;
import com.sun.jna.platform.win32.WinNT.PSIDByReference;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.EXPLICIT_ACCESS_W;
import io.sandbox4j.launcher.windows.Win32Structures.SID_AND_ATTRIBUTES;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ACL and SID operations through JNA; the only place ACLs are changed. Windows only. */
final class NativeAcls implements WindowsWorkspaceSetup.Operations {
  private final Win32Libraries.Loaded lib;

  NativeAcls(Win32Libraries.Loaded lib) {
    this.lib = lib;
  }

  /** A SID converted from its string form; must be released with LocalFree. */
  static Pointer sid(String sid) {
    PSIDByReference ref = new PSIDByReference();
    if (!Advapi32.INSTANCE.ConvertStringSidToSid(sid, ref)) {
      throw SandboxException.cannotSandbox(
          "ConvertStringSidToSidW(" + sid + ") failed: error " + Native.getLastError());
    }
    return ref.getValue().getPointer();
  }

  /**
   * A SID_AND_ATTRIBUTES array for {@code sids}, each with {@code attributes}, or null for none;
   * every SID in it is freed by {@code now}.
   */
  static Memory sidAndAttributes(List<Sid> sids, int attributes, Releases now) {
    if (sids.isEmpty()) {
      return null;
    }
    int size = new SID_AND_ATTRIBUTES().size();
    Memory m = new Memory((long) size * sids.size());
    m.clear();
    for (int i = 0; i < sids.size(); i++) {
      Pointer p = sid(sids.get(i).value());
      now.add(() -> Kernel32.INSTANCE.LocalFree(p));
      SID_AND_ATTRIBUTES sa = new SID_AND_ATTRIBUTES(m.share((long) i * size));
      sa.Sid = p;
      sa.Attributes = attributes;
      sa.write();
    }
    return m;
  }

  static String sidString(Pointer sid) {
    PointerByReference out = new PointerByReference();
    if (!Advapi32.INSTANCE.ConvertSidToStringSid(new PSID(sid), out)) {
      throw SandboxException.cannotSandbox(
          "ConvertSidToStringSidW failed: error " + Native.getLastError());
    }
    try {
      return out.getValue().getWideString(0);
    } finally {
      Kernel32.INSTANCE.LocalFree(out.getValue());
    }
  }

  @Override
  public void apply(AccessGrant g) {
    change(
        g,
        "S:(ML;OICI;NW;;;LW)",
        g.mode() == AccessGrant.Mode.ALLOW
            ? Win32Constants.GRANT_ACCESS
            : Win32Constants.DENY_ACCESS);
  }

  @Override
  public List<Ace> dacl(Path path) {
    return withDacl(path, NativeAcls::aces);
  }

  /** The ACEs of a DACL in ACL order, parsed by jna-platform's ACL structure; null is empty. */
  static List<Ace> aces(Pointer dacl) {
    List<Ace> out = new ArrayList<>();
    if (dacl == null) {
      return out;
    }
    for (ACE_HEADER h : new ACL(dacl).getACEs()) {
      Ace.Type type =
          switch (h.AceType) {
            case WinNT.ACCESS_ALLOWED_ACE_TYPE -> Ace.Type.ALLOW;
            case WinNT.ACCESS_DENIED_ACE_TYPE -> Ace.Type.DENY;
            default -> Ace.Type.OTHER;
          };
      if (h instanceof ACCESS_ACEStructure a) {
        out.add(new Ace(type, new Sid(a.getSidString()), a.Mask, h.AceFlags & 0xFF));
      } else {
        out.add(new Ace(Ace.Type.OTHER, Sid.EVERYONE, 0, h.AceFlags & 0xFF));
      }
    }
    return out;
  }

  /**
   * DeleteAce for each index (highest first, so the others stay valid) on the object's own DACL
   * copy, then SetNamedSecurityInfoW with it: removes the deny ACEs REVOKE_ACCESS leaves behind.
   */
  @Override
  public void deleteAces(Path path, List<Integer> indices) {
    if (indices.isEmpty()) {
      return;
    }
    withDacl(
        path,
        dacl -> {
          for (int i : indices) {
            if (!lib.advapi32().DeleteAce(dacl, i)) {
              throw SandboxException.cannotSandbox(
                  "DeleteAce(" + path + ", " + i + ") failed: error " + Native.getLastError());
            }
          }
          int rc = setDacl(path.toString(), dacl);
          if (rc != 0) {
            throw SandboxException.cannotSandbox(
                "SetNamedSecurityInfoW(" + path + ") failed: error " + rc);
          }
          return null;
        });
  }

  /**
   * SetNamedSecurityInfoW with {@code dacl} as the DACL of {@code path}; the error code, 0 if none.
   */
  private static int setDacl(String path, Pointer dacl) {
    return Advapi32.INSTANCE.SetNamedSecurityInfo(
        path,
        Win32Constants.SE_FILE_OBJECT,
        Win32Constants.DACL_SECURITY_INFORMATION,
        null,
        null,
        dacl,
        null);
  }

  /**
   * GetNamedSecurityInfoW for the DACL of {@code path}, handed to {@code use}; the security
   * descriptor that holds it is freed afterwards.
   */
  private static <T> T withDacl(Path path, java.util.function.Function<Pointer, T> use) {
    PointerByReference dacl = new PointerByReference();
    PointerByReference sd = new PointerByReference();
    int rc =
        Advapi32.INSTANCE.GetNamedSecurityInfo(
            path.toString(),
            Win32Constants.SE_FILE_OBJECT,
            Win32Constants.DACL_SECURITY_INFORMATION,
            null,
            null,
            dacl,
            null,
            sd);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "GetNamedSecurityInfoW(" + path + ") failed: error " + rc);
    }
    try {
      return use.apply(dacl.getValue());
    } finally {
      Kernel32.INSTANCE.LocalFree(sd.getValue());
    }
  }

  @Override
  public void revoke(AccessGrant g) {
    // An empty SACL under LABEL_SECURITY_INFORMATION removes the label (back to medium).
    change(g, "S:", Win32Constants.REVOKE_ACCESS);
  }

  /**
   * A low-integrity-label grant sets the label from the SACL of {@code labelSddl}; any other grant
   * edits the DACL with {@code accessMode}.
   */
  private void change(AccessGrant g, String labelSddl, int accessMode) {
    if (g.mode() == AccessGrant.Mode.LOW_INTEGRITY_LABEL) {
      label(g.path(), labelSddl);
    } else {
      edit(g, accessMode);
    }
  }

  /** Sets the mandatory label of {@code path} from the SACL of an SDDL string. */
  private void label(Path path, String sddl) {
    Pointer sd = securityDescriptor(sddl);
    try {
      IntByReference present = new IntByReference();
      IntByReference defaulted = new IntByReference();
      PointerByReference sacl = new PointerByReference();
      if (!lib.advapi32().GetSecurityDescriptorSacl(sd, present, sacl, defaulted)) {
        throw SandboxException.cannotSandbox(
            "GetSecurityDescriptorSacl(" + sddl + ") failed: error " + Native.getLastError());
      }
      int rc =
          Advapi32.INSTANCE.SetNamedSecurityInfo(
              path.toString(),
              Win32Constants.SE_FILE_OBJECT,
              Win32Constants.LABEL_SECURITY_INFORMATION,
              null,
              null,
              null,
              sacl.getValue());
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "SetNamedSecurityInfoW(" + path + ", label " + sddl + ") failed: error " + rc);
      }
    } finally {
      Kernel32.INSTANCE.LocalFree(sd);
    }
  }

  /**
   * GetNamedSecurityInfoW -> SetEntriesInAclW -> SetNamedSecurityInfoW. The set call propagates
   * inheritable ACEs to existing children: the one recursive step, done once per workspace.
   */
  private void edit(AccessGrant g, int accessMode) {
    withDacl(
        g.path(),
        dacl -> {
          setEntry(g, accessMode, dacl);
          return null;
        });
  }

  private void setEntry(AccessGrant g, int accessMode, Pointer dacl) {
    String path = g.path().toString();
    Pointer sid = sid(g.trustee().value());
    PointerByReference newAcl = new PointerByReference();
    try {
      EXPLICIT_ACCESS_W ea = new EXPLICIT_ACCESS_W();
      ea.grfAccessPermissions = accessMode == Win32Constants.REVOKE_ACCESS ? 0 : g.accessMask();
      ea.grfAccessMode = accessMode;
      ea.grfInheritance =
          g.inherit()
              ? Win32Constants.SUB_CONTAINERS_AND_OBJECTS_INHERIT
              : Win32Constants.NO_INHERITANCE;
      ea.Trustee.MultipleTrusteeOperation = Win32Constants.NO_MULTIPLE_TRUSTEE;
      ea.Trustee.TrusteeForm = Win32Constants.TRUSTEE_IS_SID;
      ea.Trustee.TrusteeType = Win32Constants.TRUSTEE_IS_UNKNOWN;
      ea.Trustee.ptstrName = sid;
      ea.write();
      int rc = lib.advapi32().SetEntriesInAclW(1, ea.getPointer(), dacl, newAcl);
      if (rc != 0) {
        throw SandboxException.cannotSandbox("SetEntriesInAclW(" + path + ") failed: error " + rc);
      }
      rc = setDacl(path, newAcl.getValue());
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "SetNamedSecurityInfoW("
                + path
                + ") failed: error "
                + rc
                + (rc == Win32Constants.ERROR_ACCESS_DENIED
                    ? " (access denied: you must own the path or hold WRITE_DAC on it)"
                    : ""));
      }
    } finally {
      if (newAcl.getValue() != null) {
        Kernel32.INSTANCE.LocalFree(newAcl.getValue());
      }
      Kernel32.INSTANCE.LocalFree(sid);
    }
  }

  /**
   * Whether an AppContainer whose SID is {@code trustee} may read and execute in {@code dir}: the
   * rights the DACL gives to the container SID together with ALL APPLICATION PACKAGES (which LPAC
   * ignores), evaluated from the ACEs ({@link Ace#rights}).
   */
  boolean readableBy(Path dir, Sid trustee, boolean lessPrivileged) {
    java.util.Set<Sid> sids =
        lessPrivileged
            ? java.util.Set.of(trustee)
            : java.util.Set.of(trustee, Sid.ALL_APPLICATION_PACKAGES);
    return (Ace.rights(dacl(dir), sids) & AccessGrant.READ_EXECUTE) == AccessGrant.READ_EXECUTE;
  }

  /** A security descriptor from SDDL; release with LocalFree. */
  Pointer securityDescriptor(String sddl) {
    PointerByReference sd = new PointerByReference();
    if (!lib.advapi32()
        .ConvertStringSecurityDescriptorToSecurityDescriptorW(
            new WString(sddl), Win32Constants.SDDL_REVISION_1, sd, null)) {
      throw SandboxException.cannotSandbox(
          "ConvertStringSecurityDescriptorToSecurityDescriptorW("
              + sddl
              + ") failed: error "
              + Native.getLastError());
    }
    return sd.getValue();
  }

  @Override
  public void createPlaceholder(Path path, boolean file) throws IOException {
    WindowsWorkspaceSetup.createPlaceholderOnDisk(path, file);
  }

  @Override
  public void deletePlaceholder(Path path) throws IOException {
    WindowsWorkspaceSetup.deletePlaceholderOnDisk(path);
  }

  @Override
  public void deleteProfile(String profileName) {
    int hr = lib.userenv().DeleteAppContainerProfile(new WString(profileName));
    if (hr != 0) {
      throw SandboxException.cannotSandbox(
          "DeleteAppContainerProfile("
              + profileName
              + ") failed: HRESULT 0x"
              + Integer.toHexString(hr));
    }
  }

  static Memory wide(String s) {
    Memory m = new Memory((s.length() + 1L) * 2);
    m.setWideString(0, s);
    return m;
  }
}
