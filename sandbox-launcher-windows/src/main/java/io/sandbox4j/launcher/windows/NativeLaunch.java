package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTRByReference;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinBase.PROCESS_INFORMATION;
import com.sun.jna.platform.win32.WinBase.SECURITY_ATTRIBUTES;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER_CONDITION0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SESSION0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SUBLAYER0;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_ASSOCIATE_COMPLETION_PORT;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_BASIC_UI_RESTRICTIONS;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_EXTENDED_LIMIT_INFORMATION;
import io.sandbox4j.launcher.windows.Win32Structures.SECURITY_CAPABILITIES;
import io.sandbox4j.launcher.windows.Win32Structures.SID_AND_ATTRIBUTES;
import io.sandbox4j.launcher.windows.Win32Structures.STARTUPINFOEXW;
import io.sandbox4j.launcher.windows.Win32Structures.TOKEN_DEFAULT_DACL;
import io.sandbox4j.launcher.windows.Win32Structures.TOKEN_MANDATORY_LABEL;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executes a {@link WindowsLaunchPlan}. Call sequence per command (nothing recursive, no profile or
 * account creation once a workspace is set up):
 *
 * <ol>
 *   <li>read the workspace record (apply missing grants only: none after the first run);
 *   <li>CreateJobObjectW, SetInformationJobObject (extended limits with KILL_ON_JOB_CLOSE, UI
 *       restrictions), a completion port;
 *   <li>restricted token: OpenProcessToken, CreateRestrictedToken, SetTokenInformation (integrity,
 *       default DACL);
 *   <li>AppContainer: DeriveAppContainerSidFromAppContainerName (profile exists), capability SIDs;
 *   <li>optional private temp directory (CreateDirectoryW on an empty directory with an SDDL DACL)
 *       and private desktop (CreateDesktopW);
 *   <li>WFP: FwpmEngineOpen0 (dynamic session), one transaction with a sublayer and the filters;
 *   <li>pipes, InitializeProcThreadAttributeList/UpdateProcThreadAttribute (handle list, security
 *       capabilities, LPAC policy, job list), CreateProcess(AsUser)W suspended, ResumeThread.
 * </ol>
 *
 * <p>Every handle, SID, attribute list and the WFP session is released on every path: on failure
 * before the process runs, everything here is closed in reverse order; afterwards {@link
 * JobProcess} owns the job, the WFP session, the desktop and the temp directory until the run ends.
 */
final class NativeLaunch {
  private static final int INHERIT_FLAGS = Win32Constants.HANDLE_FLAG_INHERIT;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Win32Libraries.Loaded lib;
  private final Kernel32 k32 = Kernel32.INSTANCE;

  NativeLaunch(Win32Libraries.Loaded lib) {
    this.lib = lib;
  }

  /** Releases run in reverse order; each failure is kept, none stops the others. */
  static final class Releases {
    private final Deque<Runnable> steps = new ArrayDeque<>();

    void add(Runnable r) {
      steps.push(r);
    }

    void runAll() {
      RuntimeException first = null;
      while (!steps.isEmpty()) {
        try {
          steps.pop().run();
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }

    /** Moves every pending release to {@code target} (ownership passes to the running process). */
    void transferTo(Releases target) {
      while (!steps.isEmpty()) {
        target.steps.addLast(steps.pollLast());
      }
    }
  }

  SandboxProcess launch(LaunchSpec spec, WindowsLaunchPlan plan) throws IOException {
    Releases now = new Releases(); // freed once the process is created (or on failure)
    Releases run = new Releases(); // owned by the process: freed when the run ends
    Releases onFailure = new Releases(); // owned by the process's streams once it runs
    try {
      NativeAcls acls = new NativeAcls(lib);
      WindowsWorkspaceSetup setup =
          new WindowsWorkspaceSetup(WindowsWorkspaceSetup.defaultRecordDir(), acls);
      Map<String, String> env =
          new LinkedHashMap<>(CommandLines.withEssentials(spec.environment(), System.getenv()));
      String exe = resolveExecutable(spec, env);

      // AppContainer SID first: the workspace grants may name it.
      Pointer containerSid = null;
      if (plan.appContainer().isPresent()) {
        AppContainerSpec ac = plan.appContainer().get();
        Path ws = plan.workspace().orElse(spec.policy().filesystem().workspace());
        containerSid = appContainerSid(ac, setup, ws);
        Pointer cs = containerSid;
        now.add(() -> lib.advapi32().FreeSid(cs));
        Sid container = new Sid(NativeAcls.sidString(containerSid));
        if (!plan.workspaceGrants().isEmpty()) {
          setup.ensure(
              plan.workspace().orElseThrow(),
              WindowsPlanner.effectiveGrants(plan).stream()
                  .map(
                      g ->
                          g.trustee().equals(Sid.RUN_APPCONTAINER)
                              ? new AccessGrant(
                                  g.path(), container, g.mode(), g.accessMask(), g.inherit())
                              : g)
                  .toList(),
              plan.protectedPlaceholders());
        }
        Path exeDir = Path.of(exe).getParent();
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
        for (Path dir : concat(plan.mustBeReadable(), exeDir)) {
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
      } else if (!plan.workspaceGrants().isEmpty()) {
        setup.ensure(
            plan.workspace().orElseThrow(), plan.workspaceGrants(), plan.protectedPlaceholders());
      }

      HANDLE job = createJob(plan.jobLimits(), run);
      HANDLE port = associateCompletionPort(job, run);

      HANDLE token = null;
      String userSid = Advapi32Util.getTokenAccount(currentToken(now)).sidString;
      if (plan.restrictedToken().isPresent()) {
        RestrictedTokenSpec ts = plan.restrictedToken().get();
        token =
            restrictedToken(
                plan.appContainer().isPresent() ? WindowsPlanner.forAppContainer(ts) : ts,
                userSid,
                now);
      }

      Path tmp = null;
      if (plan.privateTmpSid().isPresent()) {
        tmp = privateTmp(plan, userSid, acls, now, run);
        env.put("TEMP", tmp.toString());
        env.put("TMP", tmp.toString());
      }

      String desktop = null;
      if (plan.privateDesktop()) {
        desktop = privateDesktop(plan, userSid, acls, now, run);
      }

      if (!plan.wfpFilters().isEmpty()) {
        if (containerSid == null) {
          throw SandboxException.cannotSandbox(
              "WFP filters are keyed by the AppContainer package SID, but this run has no"
                  + " AppContainer: select the appcontainer backend with the wfp backend");
        }
        addFilters(plan.wfpFilters(), containerSid, run);
      } else if (plan.appContainer().map(AppContainerSpec::hasNetworkCapability).orElse(false)
          && spec.policy().network().mode() == io.sandbox4j.api.NetworkMode.ALLOW) {
        throw SandboxException.cannotSandbox(
            "an allow-listed network needs the wfp backend's filters: the AppContainer capability"
                + " alone would allow every destination");
      }

      Stdio stdio = Stdio.open(spec, k32, now, onFailure);

      STARTUPINFOEXW si = new STARTUPINFOEXW();
      si.dwFlags = Win32Constants.STARTF_USESTDHANDLES;
      si.hStdInput = stdio.childIn();
      si.hStdOutput = stdio.childOut();
      si.hStdError = stdio.childErr();
      Memory desktopName = desktop == null ? null : NativeAcls.wide(desktop);
      si.lpDesktop = desktopName;
      si.lpAttributeList = attributeList(plan, stdio, job, containerSid, now);

      PROCESS_INFORMATION pi = new PROCESS_INFORMATION();
      int flags =
          Win32Constants.EXTENDED_STARTUPINFO_PRESENT
              | Win32Constants.CREATE_UNICODE_ENVIRONMENT
              | Win32Constants.CREATE_SUSPENDED
              | Win32Constants.CREATE_NO_WINDOW
              | Win32Constants.CREATE_NEW_PROCESS_GROUP;
      // CreateProcessW may write into the command line: it must be writable native memory.
      Memory cmdLine = NativeAcls.wide(CommandLines.join(commandWith(exe, spec.command())));
      char[] block = CommandLines.environmentBlock(env);
      Memory envBlock = new Memory(block.length * 2L);
      envBlock.write(0, block, 0, block.length);
      WString cwd = new WString(spec.workingDirectory().toString());
      boolean ok =
          token == null
              ? lib.kernel32()
                  .CreateProcessW(
                      new WString(exe), cmdLine, null, null, true, flags, envBlock, cwd, si, pi)
              : lib.advapi32()
                  .CreateProcessAsUserW(
                      token,
                      new WString(exe),
                      cmdLine,
                      null,
                      null,
                      true,
                      flags,
                      envBlock,
                      cwd,
                      si,
                      pi);
      if (!ok) {
        throw SandboxException.cannotSandbox(
            "CreateProcess"
                + (token == null ? "W" : "AsUserW")
                + "("
                + exe
                + ") failed: error "
                + Native.getLastError());
      }
      HANDLE process = pi.hProcess;
      HANDLE thread = pi.hThread;
      run.add(() -> k32.CloseHandle(process));
      try {
        // JOB_LIST put the process in the job at creation; verify it before any of its code
        // runs (the process is still suspended), and never run it outside the job.
        com.sun.jna.ptr.IntByReference inJob = new com.sun.jna.ptr.IntByReference();
        if (!lib.kernel32().IsProcessInJob(process, job, inJob) || inJob.getValue() == 0) {
          k32.TerminateProcess(process, 125);
          throw SandboxException.cannotSandbox(
              "the new process is not in its job object (IsProcessInJob error "
                  + Native.getLastError()
                  + "); if this JVM runs in a job that forbids nested jobs, run it outside that job");
        }
        if (lib.kernel32().ResumeThread(thread) == -1) {
          k32.TerminateProcess(process, 125);
          throw SandboxException.cannotSandbox(
              "ResumeThread failed: error " + Native.getLastError());
        }
      } finally {
        k32.CloseHandle(thread);
      }
      now.runAll();
      Releases owned = new Releases();
      run.transferTo(owned);
      return new JobProcess(
          k32, lib.kernel32(), process, pi.dwProcessId.longValue(), job, port, stdio, owned);
    } catch (RuntimeException | IOException e) {
      try {
        now.runAll();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      try {
        onFailure.runAll();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      try {
        run.runAll();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static List<Path> concat(List<Path> a, Path b) {
    java.util.ArrayList<Path> l = new java.util.ArrayList<>(a);
    if (b != null && !l.contains(b)) {
      l.add(b);
    }
    return l;
  }

  private static List<String> commandWith(String exe, List<String> command) {
    java.util.ArrayList<String> l = new java.util.ArrayList<>(command);
    l.set(0, exe);
    return l;
  }

  private static String resolveExecutable(LaunchSpec spec, Map<String, String> env) {
    String path = env.getOrDefault("PATH", env.getOrDefault("Path", System.getenv("PATH")));
    String pathext = env.getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD");
    String exe =
        CommandLines.resolve(spec.command().get(0), path, pathext)
            .map(Path::toString)
            .orElseThrow(
                () ->
                    SandboxException.cannotSandbox(
                        "command '" + spec.command().get(0) + "' not found on PATH " + path));
    String lower = exe.toLowerCase(java.util.Locale.ROOT);
    if (lower.endsWith(".bat") || lower.endsWith(".cmd")) {
      // CreateProcessW cannot start a batch file itself, and cmd.exe's quoting rules differ from
      // CommandLineToArgvW's: refuse rather than guess how the arguments would be split.
      throw SandboxException.cannotSandbox(
          "'" + exe + "' is a batch file: run it explicitly as cmd.exe /d /c " + exe + " ...");
    }
    return exe;
  }

  private HANDLE currentToken(Releases now) {
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

  private HANDLE createJob(JobLimits limits, Releases run) {
    HANDLE job = lib.kernel32().CreateJobObjectW(null, null);
    if (job == null) {
      throw SandboxException.cannotSandbox(
          "CreateJobObjectW failed: error " + Native.getLastError());
    }
    // Closing the last job handle kills every process in it (KILL_ON_JOB_CLOSE).
    run.add(() -> k32.CloseHandle(job));
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = new JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
    info.BasicLimitInformation.LimitFlags = limits.limitFlags();
    info.BasicLimitInformation.ActiveProcessLimit = limits.activeProcessLimit();
    info.BasicLimitInformation.PerJobUserTimeLimit = limits.perJobUserTimeLimit();
    info.JobMemoryLimit = new SIZE_T(limits.jobMemoryLimit());
    info.write();
    if (!lib.kernel32()
        .SetInformationJobObject(
            job,
            Win32Constants.JobObjectExtendedLimitInformation,
            info.getPointer(),
            info.size())) {
      throw SandboxException.cannotSandbox(
          "SetInformationJobObject(extended limits 0x"
              + Integer.toHexString(limits.limitFlags())
              + ") failed: error "
              + Native.getLastError());
    }
    if (limits.uiRestrictions() != 0) {
      JOBOBJECT_BASIC_UI_RESTRICTIONS ui = new JOBOBJECT_BASIC_UI_RESTRICTIONS();
      ui.UIRestrictionsClass = limits.uiRestrictions();
      ui.write();
      if (!lib.kernel32()
          .SetInformationJobObject(
              job, Win32Constants.JobObjectBasicUIRestrictions, ui.getPointer(), ui.size())) {
        throw SandboxException.cannotSandbox(
            "SetInformationJobObject(UI restrictions) failed: error "
                + Native.getLastError()
                + " (a job nested in a job with other UI limits cannot set its own: run the JVM"
                + " outside that job)");
      }
    }
    return job;
  }

  private HANDLE associateCompletionPort(HANDLE job, Releases run) {
    HANDLE port = k32.CreateIoCompletionPort(WinBase.INVALID_HANDLE_VALUE, null, null, 1);
    if (port == null) {
      throw SandboxException.cannotSandbox(
          "CreateIoCompletionPort failed: error " + Native.getLastError());
    }
    run.add(() -> k32.CloseHandle(port));
    JOBOBJECT_ASSOCIATE_COMPLETION_PORT acp = new JOBOBJECT_ASSOCIATE_COMPLETION_PORT();
    acp.CompletionKey = job.getPointer();
    acp.CompletionPort = port;
    acp.write();
    if (!lib.kernel32()
        .SetInformationJobObject(
            job,
            Win32Constants.JobObjectAssociateCompletionPortInformation,
            acp.getPointer(),
            acp.size())) {
      throw SandboxException.cannotSandbox(
          "SetInformationJobObject(completion port) failed: error " + Native.getLastError());
    }
    return port;
  }

  private HANDLE restrictedToken(RestrictedTokenSpec spec, String userSid, Releases now) {
    HANDLE base = currentToken(now);
    Memory disable = sidArray(spec.denyOnlySids(), 0, now);
    Memory restrict = sidArray(spec.restrictingSids(), 0, now);
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

    Pointer low = NativeAcls.sid(spec.integrityLevel().value());
    now.add(() -> k32.LocalFree(low));
    TOKEN_MANDATORY_LABEL label = new TOKEN_MANDATORY_LABEL();
    label.Label.Sid = low;
    label.Label.Attributes = Win32Constants.SE_GROUP_INTEGRITY;
    label.write();
    int labelSize =
        label.size()
            + Advapi32.INSTANCE.GetLengthSid(new com.sun.jna.platform.win32.WinNT.PSID(low));
    if (!lib.advapi32()
        .SetTokenInformation(
            token, Win32Constants.TokenIntegrityLevel, label.getPointer(), labelSize)) {
      throw SandboxException.cannotSandbox(
          "SetTokenInformation(TokenIntegrityLevel "
              + spec.integrityLevel()
              + ") failed: error "
              + Native.getLastError());
    }

    StringBuilder sddl = new StringBuilder("D:(A;;GA;;;").append(userSid).append(")(A;;GA;;;SY)");
    for (Sid s : spec.defaultDaclGrantees()) {
      sddl.append("(A;;GA;;;").append(s).append(')');
    }
    Pointer sd = new NativeAcls(lib).securityDescriptor(sddl.toString());
    now.add(() -> k32.LocalFree(sd));
    com.sun.jna.platform.win32.WinDef.BOOLByReference present =
        new com.sun.jna.platform.win32.WinDef.BOOLByReference();
    com.sun.jna.platform.win32.WinDef.BOOLByReference defaulted =
        new com.sun.jna.platform.win32.WinDef.BOOLByReference();
    com.sun.jna.platform.win32.WinNT.PACLByReference dacl =
        new com.sun.jna.platform.win32.WinNT.PACLByReference();
    if (!Advapi32.INSTANCE.GetSecurityDescriptorDacl(
        new com.sun.jna.platform.win32.WinNT.SECURITY_DESCRIPTOR(sd), present, dacl, defaulted)) {
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
    return token;
  }

  /** An array of SID_AND_ATTRIBUTES for {@code sids}; every SID is freed by {@code now}. */
  private Memory sidArray(List<Sid> sids, int attributes, Releases now) {
    if (sids.isEmpty()) {
      return null;
    }
    int size = new SID_AND_ATTRIBUTES().size();
    Memory m = new Memory((long) size * sids.size());
    m.clear();
    for (int i = 0; i < sids.size(); i++) {
      Pointer p = NativeAcls.sid(sids.get(i).value());
      now.add(() -> k32.LocalFree(p));
      SID_AND_ATTRIBUTES sa = new SID_AND_ATTRIBUTES(m.share((long) i * size));
      sa.Sid = p;
      sa.Attributes = attributes;
      sa.write();
    }
    return m;
  }

  /** Creates the profile the first time (recorded), derives its SID every time after. */
  private Pointer appContainerSid(AppContainerSpec ac, WindowsWorkspaceSetup setup, Path ws) {
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

  private Path privateTmp(
      WindowsLaunchPlan plan, String userSid, NativeAcls acls, Releases now, Releases run)
      throws IOException {
    Path parent = plan.privateTmpParent().orElseThrow();
    Files.createDirectories(parent);
    Path dir = parent.resolve("run-" + Long.toUnsignedString(RANDOM.nextLong(), 36));
    Pointer sd =
        acls.securityDescriptor(
            WindowsPlanner.privateTmpSddl(userSid, plan.privateTmpSid().orElseThrow()));
    now.add(() -> k32.LocalFree(sd));
    SECURITY_ATTRIBUTES sa = new SECURITY_ATTRIBUTES();
    sa.lpSecurityDescriptor = sd;
    sa.bInheritHandle = false;
    if (!lib.kernel32().CreateDirectoryW(new WString(dir.toString()), sa)) {
      throw SandboxException.cannotSandbox(
          "CreateDirectoryW(" + dir + ") failed: error " + Native.getLastError());
    }
    run.add(() -> deleteTree(dir));
    return dir;
  }

  private String privateDesktop(
      WindowsLaunchPlan plan, String userSid, NativeAcls acls, Releases now, Releases run) {
    Sid runSid = plan.runSid();
    Pointer sd = acls.securityDescriptor(WindowsPlanner.desktopSddl(userSid, runSid));
    now.add(() -> k32.LocalFree(sd));
    SECURITY_ATTRIBUTES sa = new SECURITY_ATTRIBUTES();
    sa.lpSecurityDescriptor = sd;
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
    // No backslash: the desktop of that name on this process's window station.
    return name;
  }

  /** Adds the filters in one transaction of a dynamic session that lives as long as the run. */
  private void addFilters(List<WfpFilter> filters, Pointer containerSid, Releases run) {
    FWPM_SESSION0 session = new FWPM_SESSION0();
    session.flags = WfpConstants.FWPM_SESSION_FLAG_DYNAMIC;
    HANDLEByReference ref = new HANDLEByReference();
    int rc =
        lib.fwpuclnt().FwpmEngineOpen0(null, Win32Constants.RPC_C_AUTHN_WINNT, null, session, ref);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmEngineOpen0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
    }
    HANDLE engine = ref.getValue();
    // Closing a dynamic session deletes every sublayer and filter added in it.
    run.add(() -> lib.fwpuclnt().FwpmEngineClose0(engine));
    rc = lib.fwpuclnt().FwpmTransactionBegin0(engine, 0);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmTransactionBegin0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
    }
    boolean committed = false;
    try {
      FWPM_SUBLAYER0 sub = new FWPM_SUBLAYER0();
      sub.subLayerKey = randomGuid();
      Memory subName = NativeAcls.wide("sandbox4j run");
      sub.displayData.name = subName;
      sub.weight = (short) 0x8000;
      rc = lib.fwpuclnt().FwpmSubLayerAdd0(engine, sub, null);
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "FwpmSubLayerAdd0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
      }
      Memory filterName = NativeAcls.wide("sandbox4j run filter");
      for (WfpFilter f : filters) {
        addFilter(engine, sub.subLayerKey, filterName, f, containerSid);
      }
      rc = lib.fwpuclnt().FwpmTransactionCommit0(engine);
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "FwpmTransactionCommit0 failed: error 0x" + Integer.toHexString(rc));
      }
      committed = true;
    } finally {
      if (!committed) {
        lib.fwpuclnt().FwpmTransactionAbort0(engine);
      }
    }
  }

  private void addFilter(
      HANDLE engine, GUID subLayer, Memory name, WfpFilter f, Pointer containerSid) {
    int n = f.conditions().size();
    int csize = new FWPM_FILTER_CONDITION0().size();
    Memory conds = new Memory((long) csize * n);
    conds.clear();
    java.util.List<Memory> keepAlive = new java.util.ArrayList<>();
    for (int i = 0; i < n; i++) {
      WfpCondition c = f.conditions().get(i);
      FWPM_FILTER_CONDITION0 fc = new FWPM_FILTER_CONDITION0(conds.share((long) i * csize));
      fc.fieldKey = new GUID(GUID.fromString("{" + c.field().guid() + "}"));
      fc.matchType = Win32Constants.FWP_MATCH_EQUAL;
      switch (c.field()) {
        case PACKAGE_ID -> {
          fc.conditionValue.type = Win32Constants.FWP_SID;
          fc.conditionValue.value = Pointer.nativeValue(containerSid);
        }
        case REMOTE_ADDRESS -> {
          byte[] a = c.address().getAddress();
          if (c.address() instanceof Inet4Address) {
            // FWP_UINT32 in host order: 10.0.0.1 is 0x0A000001.
            fc.conditionValue.type = Win32Constants.FWP_UINT32;
            fc.conditionValue.value =
                ((a[0] & 0xFFL) << 24)
                    | ((a[1] & 0xFFL) << 16)
                    | ((a[2] & 0xFFL) << 8)
                    | (a[3] & 0xFFL);
          } else {
            Memory arr = new Memory(16);
            arr.write(0, a, 0, 16);
            keepAlive.add(arr);
            fc.conditionValue.type = Win32Constants.FWP_BYTE_ARRAY16_TYPE;
            fc.conditionValue.value = Pointer.nativeValue(arr);
          }
        }
        case REMOTE_PORT -> {
          fc.conditionValue.type = Win32Constants.FWP_UINT16;
          fc.conditionValue.value = c.port();
        }
      }
      fc.write();
    }
    FWPM_FILTER0 filter = new FWPM_FILTER0();
    filter.displayData.name = name;
    filter.layerKey = new GUID(GUID.fromString("{" + f.layer().guid() + "}"));
    filter.subLayerKey = subLayer;
    filter.weight.type = Win32Constants.FWP_UINT8;
    filter.weight.value = f.weight();
    filter.numFilterConditions = n;
    filter.filterCondition = conds;
    filter.action.type = f.action().code();
    LongByReference id = new LongByReference();
    int rc = lib.fwpuclnt().FwpmFilterAdd0(engine, filter, null, id);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmFilterAdd0("
              + f.layer()
              + " "
              + f.action()
              + " "
              + f.conditions()
              + ") failed: error 0x"
              + Integer.toHexString(rc)
              + WfpErrors.hint(rc));
    }
    keepAlive.clear();
  }

  private static GUID randomGuid() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0F) | 0x40);
    b[8] = (byte) ((b[8] & 0x3F) | 0x80);
    return new GUID(b);
  }

  /** The attribute list; deleted and its memory dropped by {@code now}. */
  private Pointer attributeList(
      WindowsLaunchPlan plan, Stdio stdio, HANDLE job, Pointer containerSid, Releases now) {
    List<Integer> attrs = WindowsPlanner.attributeList(plan);
    ULONG_PTRByReference size = new ULONG_PTRByReference();
    // The first call fails by design and reports the size needed.
    lib.kernel32().InitializeProcThreadAttributeList(null, attrs.size(), 0, size);
    Memory list = new Memory(size.getValue().longValue());
    if (!lib.kernel32().InitializeProcThreadAttributeList(list, attrs.size(), 0, size)) {
      throw SandboxException.cannotSandbox(
          "InitializeProcThreadAttributeList failed: error " + Native.getLastError());
    }
    java.util.List<Object> keepAlive = new java.util.ArrayList<>();
    now.add(
        () -> {
          lib.kernel32().DeleteProcThreadAttributeList(list);
          keepAlive.clear();
        });
    for (int attr : attrs) {
      Pointer value;
      long length;
      if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_HANDLE_LIST) {
        List<HANDLE> handles = stdio.inheritable();
        Memory m = new Memory((long) Native.POINTER_SIZE * handles.size());
        for (int i = 0; i < handles.size(); i++) {
          m.setPointer((long) i * Native.POINTER_SIZE, handles.get(i).getPointer());
        }
        value = m;
        length = m.size();
        keepAlive.add(m);
      } else if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES) {
        AppContainerSpec ac = plan.appContainer().orElseThrow();
        SECURITY_CAPABILITIES sc = new SECURITY_CAPABILITIES();
        sc.AppContainerSid = containerSid;
        // The run SID travels as one more capability of the container: it is what the private
        // temp directory and the private desktop grant.
        java.util.ArrayList<Sid> all = new java.util.ArrayList<>(ac.capabilities());
        all.add(plan.runSid());
        plan.privateTmpSid().filter(sid -> !sid.equals(plan.runSid())).ifPresent(all::add);
        Memory caps = sidArray(all, Win32Constants.SE_GROUP_ENABLED, now);
        sc.CapabilityCount = all.size();
        sc.Capabilities = caps;
        sc.write();
        keepAlive.add(sc);
        if (caps != null) {
          keepAlive.add(caps);
        }
        value = sc.getPointer();
        length = sc.size();
      } else if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY) {
        Memory m = new Memory(4);
        m.setInt(0, Win32Constants.PROCESS_CREATION_ALL_APPLICATION_PACKAGES_OPT_OUT);
        keepAlive.add(m);
        value = m;
        length = 4;
      } else if (attr == Win32Constants.PROC_THREAD_ATTRIBUTE_JOB_LIST) {
        Memory m = new Memory(Native.POINTER_SIZE);
        m.setPointer(0, job.getPointer());
        keepAlive.add(m);
        value = m;
        length = Native.POINTER_SIZE;
      } else {
        throw new IllegalStateException("unknown attribute 0x" + Integer.toHexString(attr));
      }
      if (!lib.kernel32()
          .UpdateProcThreadAttribute(
              list, 0, new ULONG_PTR(attr), value, new SIZE_T(length), null, null)) {
        throw SandboxException.cannotSandbox(
            "UpdateProcThreadAttribute(0x"
                + Integer.toHexString(attr)
                + ") failed: error "
                + Native.getLastError());
      }
    }
    return list;
  }

  static void deleteTree(Path dir) {
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot delete private temp " + dir, e);
    }
  }

  /** Unused-redirect guard shared by Stdio. */
  static boolean isPipe(Redirect r) {
    return r.type() == Redirect.Type.PIPE;
  }
}
