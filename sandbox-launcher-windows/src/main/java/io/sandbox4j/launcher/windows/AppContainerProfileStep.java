package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.ptr.PointerByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.SECURITY_CAPABILITIES;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The AppContainer step: the per-workspace profile (CreateAppContainerProfile the first time,
 * recorded; DeriveAppContainerSidFromAppContainerName after), the read checks of the container SID
 * against the plan's paths, and the SECURITY_CAPABILITIES attribute value. The SIDs it makes are
 * released by {@code now}.
 */
final class AppContainerProfileStep {
  private final Win32Libraries.Loaded lib;
  private final NativeAcls acls;

  AppContainerProfileStep(Win32Libraries.Loaded lib, NativeAcls acls) {
    this.lib = lib;
    this.acls = acls;
  }

  /** The container's SID, as the native SID the attribute needs and in string form. */
  record ContainerSid(Pointer pointer, Sid sid) {}

  /** Creates the profile the first time (recorded), derives its SID every time after. */
  ContainerSid sid(AppContainerSpec ac, WindowsWorkspaceSetup setup, Path ws, Releases now) {
    Pointer sid = profileSid(ac, setup, ws);
    now.add(() -> lib.advapi32().FreeSid(sid));
    return new ContainerSid(sid, new Sid(NativeAcls.sidString(sid)));
  }

  private Pointer profileSid(AppContainerSpec ac, WindowsWorkspaceSetup setup, Path ws) {
    PointerByReference sid = new PointerByReference();
    WString name = new WString(ac.profileName());
    if (!setup.hasProfile(ws, ac.profileName())) {
      int hr =
          lib.userenv()
              .CreateAppContainerProfile(
                  name,
                  new WString("sandbox4j " + ws.getFileName()),
                  new WString("sandbox4j workspace " + ws),
                  null,
                  0,
                  sid);
      if (hr == 0) {
        setup.recordProfile(ws, ac.profileName());
        return sid.getValue();
      }
      if (hr != WfpConstants.HRESULT_ALREADY_EXISTS) {
        throw SandboxException.cannotSandbox(
            "CreateAppContainerProfile("
                + ac.profileName()
                + ") failed: HRESULT 0x"
                + Integer.toHexString(hr));
      }
      setup.recordProfile(ws, ac.profileName());
    }
    int hr = lib.userenv().DeriveAppContainerSidFromAppContainerName(name, sid);
    if (hr != 0) {
      throw SandboxException.cannotSandbox(
          "DeriveAppContainerSidFromAppContainerName("
              + ac.profileName()
              + ") failed: HRESULT 0x"
              + Integer.toHexString(hr));
    }
    return sid.getValue();
  }

  /**
   * Refuses the run when the container could read a path the plan says it must not, or cannot read
   * a directory it must (the plan's, and the executable's own directory).
   */
  void checkReadAccess(WindowsLaunchPlan plan, AppContainerSpec ac, String exe, Sid container) {
    for (Path p : plan.mustBeUnreadable()) {
      if (Files.exists(p) && acls.readableBy(p, container, ac.lessPrivileged())) {
        throw SandboxException.cannotSandbox(
            "the AppContainer could read "
                + p
                + ", which the policy denies: its ACL grants "
                + (ac.lessPrivileged() ? container : "ALL APPLICATION PACKAGES or " + container)
                + " read access; remove that ACE or move the file");
      }
    }
    for (Path dir : WindowsPlanner.mustBeReadable(plan, Path.of(exe))) {
      if (!acls.readableBy(dir, container, ac.lessPrivileged())) {
        throw SandboxException.cannotSandbox(
            "the AppContainer cannot read "
                + dir
                + " (needed to run "
                + exe
                + "): grant it once with `icacls \""
                + dir
                + "\" /grant *"
                + (ac.lessPrivileged() ? container : Sid.ALL_APPLICATION_PACKAGES)
                + ":(OI)(CI)RX`, or install the program under Program Files");
      }
    }
  }

  /**
   * The PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES value: the container SID and {@code
   * capabilities} (from {@link WindowsPlanner#containerCapabilities}), each enabled. The capability
   * SIDs are released by {@code now}; the array stays reachable through the structure.
   */
  static SECURITY_CAPABILITIES securityCapabilities(
      Pointer containerSid, List<Sid> capabilities, Releases now) {
    SECURITY_CAPABILITIES sc = new SECURITY_CAPABILITIES();
    sc.AppContainerSid = containerSid;
    Memory caps = NativeAcls.sidAndAttributes(capabilities, Win32Constants.SE_GROUP_ENABLED, now);
    sc.CapabilityCount = capabilities.size();
    sc.Capabilities = caps;
    sc.write();
    return sc;
  }
}
