package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase.PROCESS_INFORMATION;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.ptr.IntByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.launcher.windows.AppContainerProfileStep.ContainerSid;
import io.sandbox4j.launcher.windows.Win32Structures.SECURITY_CAPABILITIES;
import io.sandbox4j.launcher.windows.Win32Structures.STARTUPINFOEXW;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Executes a {@link WindowsLaunchPlan}: runs the steps in order and creates the process from what
 * they made. What to do was decided by {@link WindowsPlanner} (in pure Java); this class decides
 * nothing of the policy. Per command (nothing recursive, no profile or account creation once a
 * workspace is set up):
 *
 * <ol>
 *   <li>{@link AppContainerProfileStep}: the container SID (the workspace grants may name it);
 *   <li>{@link WindowsWorkspaceSetup#ensure}: the recorded one-time grants and placeholders (none
 *       applied after the first run), then the container's read checks;
 *   <li>{@link JobObjectStep}: the job with its limits, UI restrictions and completion port;
 *   <li>{@link RestrictedTokenStep}: the restricted token, its integrity level and default DACL;
 *   <li>{@link PrivateObjectsStep}: the private temp directory and the private desktop;
 *   <li>{@link WfpSession}: a dynamic session with the run's sublayer and filters;
 *   <li>here: pipes ({@link Stdio}), the {@link ProcThreadAttributeList} (handle list, security
 *       capabilities, LPAC policy, job list), CreateProcess(AsUser)W suspended, IsProcessInJob,
 *       ResumeThread.
 * </ol>
 *
 * <p>Every handle, SID, attribute list and the WFP session is released on every path: what the
 * steps register in {@code now} is freed once the process is created or the launch fails; what they
 * register in {@code run} passes to {@link JobProcess} with the process, or is freed in reverse
 * order if the launch fails.
 */
final class NativeLaunch {
  private static final int CREATION_FLAGS =
      Win32Constants.EXTENDED_STARTUPINFO_PRESENT
          | Win32Constants.CREATE_UNICODE_ENVIRONMENT
          | Win32Constants.CREATE_SUSPENDED
          | Win32Constants.CREATE_NO_WINDOW
          | Win32Constants.CREATE_NEW_PROCESS_GROUP;

  private final Win32Libraries.Loaded lib;
  private final Kernel32 k32 = Kernel32.INSTANCE;

  NativeLaunch(Win32Libraries.Loaded lib) {
    this.lib = lib;
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
          new LinkedHashMap<>(
              CommandLines.withEssentials(
                  spec.environment(), System.getenv(), spec.policy().process().envPass()));
      String exe =
          CommandLines.executable(
              spec.command().get(0), env, System.getenv("PATH"), spec.workingDirectory());

      // Before anything native: refused if another run of the container has other filters.
      if (WfpContainerClaims.needsClaim(plan)) {
        run.add(
            WfpContainerClaims.JVM.claim(
                plan.appContainer().get().profileName(), plan.wfpFilters()));
      }

      AppContainerProfileStep containers = new AppContainerProfileStep(lib, acls);
      Optional<ContainerSid> container = Optional.empty();
      if (plan.appContainer().isPresent()) {
        Path ws = WindowsPlanner.profileWorkspace(plan, spec.policy());
        container = Optional.of(containers.sid(plan.appContainer().get(), setup, ws, now));
      }
      if (!plan.workspaceGrants().isEmpty()) {
        setup.ensure(
            plan.workspace().orElseThrow(),
            WindowsPlanner.grantsToApply(plan, container.map(ContainerSid::sid)),
            plan.protectedPlaceholders());
      }
      if (container.isPresent()) {
        containers.checkReadAccess(plan, plan.appContainer().get(), exe, container.get().sid());
      }

      JobObject job = new JobObjectStep(lib).create(plan.jobLimits(), run);

      RestrictedTokenStep tokens = new RestrictedTokenStep(lib);
      String userSid = tokens.callerSid(now);
      HANDLE token = null;
      Optional<RestrictedTokenSpec> tokenSpec = WindowsPlanner.tokenToCreate(plan);
      if (tokenSpec.isPresent()) {
        token = tokens.create(tokenSpec.get(), userSid, now);
      }

      PrivateObjectsStep privates = new PrivateObjectsStep(lib, acls);
      if (plan.privateTmpSid().isPresent()) {
        Path tmp =
            privates.temporaryDirectory(
                plan.privateTmpParent().orElseThrow(),
                plan.privateTmpSid().get(),
                userSid,
                now,
                run);
        CommandLines.put(env, "TEMP", tmp.toString());
        CommandLines.put(env, "TMP", tmp.toString());
      }
      String desktop =
          plan.privateDesktop() ? privates.desktop(plan.runSid(), userSid, now, run) : null;

      if (!plan.wfpFilters().isEmpty()) {
        // WindowsPlanner.checkEnforceable refused filters without a container before launch.
        WfpSession.open(lib.fwpuclnt(), run)
            .addFilters(plan.wfpFilters(), container.orElseThrow().pointer());
      }

      Stdio stdio = Stdio.open(spec, k32, now, onFailure);
      SECURITY_CAPABILITIES capabilities =
          container
              .map(
                  c ->
                      AppContainerProfileStep.securityCapabilities(
                          c.pointer(), WindowsPlanner.containerCapabilities(plan), now))
              .orElse(null);
      Pointer attributes =
          ProcThreadAttributeList.create(
              lib.kernel32(),
              WindowsPlanner.attributeList(plan),
              new ProcThreadAttributeList.Inputs(stdio.inheritable(), job.job(), capabilities),
              now);

      PROCESS_INFORMATION pi = createSuspended(spec, exe, env, token, stdio, desktop, attributes);
      HANDLE process = pi.hProcess;
      run.add(() -> k32.CloseHandle(process));
      resumeInJob(process, pi.hThread, job);
      now.runAll();
      Releases owned = new Releases();
      run.transferTo(owned);
      return new JobProcess(
          k32, lib.kernel32(), process, pi.dwProcessId.longValue(), job, stdio, owned);
    } catch (RuntimeException | IOException e) {
      now.runAllSuppressedInto(e);
      onFailure.runAllSuppressedInto(e);
      run.runAllSuppressedInto(e);
      throw e;
    }
  }

  /**
   * CreateProcessAsUserW with {@code token}, or CreateProcessW with the caller's own when there is
   * none; always suspended, with the extended startup information.
   */
  private PROCESS_INFORMATION createSuspended(
      LaunchSpec spec,
      String exe,
      Map<String, String> env,
      HANDLE token,
      Stdio stdio,
      String desktop,
      Pointer attributes) {
    STARTUPINFOEXW si = new STARTUPINFOEXW();
    si.dwFlags = Win32Constants.STARTF_USESTDHANDLES;
    si.hStdInput = stdio.childIn();
    si.hStdOutput = stdio.childOut();
    si.hStdError = stdio.childErr();
    Memory desktopName = desktop == null ? null : NativeAcls.wide(desktop);
    si.lpDesktop = desktopName;
    si.lpAttributeList = attributes;

    PROCESS_INFORMATION pi = new PROCESS_INFORMATION();
    // CreateProcessW may write into the command line: it must be writable native memory.
    List<String> command = CommandLines.withExecutable(exe, spec.command());
    Memory cmdLine = NativeAcls.wide(CommandLines.commandLine(command));
    char[] block = CommandLines.environmentBlock(env);
    Memory envBlock = new Memory(block.length * 2L);
    envBlock.write(0, block, 0, block.length);
    WString cwd = new WString(spec.workingDirectory().toString());
    boolean ok =
        token == null
            ? lib.kernel32()
                .CreateProcessW(
                    new WString(exe),
                    cmdLine,
                    null,
                    null,
                    true,
                    CREATION_FLAGS,
                    envBlock,
                    cwd,
                    si,
                    pi)
            : lib.advapi32()
                .CreateProcessAsUserW(
                    token,
                    new WString(exe),
                    cmdLine,
                    null,
                    null,
                    true,
                    CREATION_FLAGS,
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
    return pi;
  }

  /**
   * Verifies that the suspended process is in its job, then lets it run. JOB_LIST put it in the job
   * at creation; this is checked before any of its code runs, and it never runs outside the job: on
   * failure it is terminated while still suspended. The thread handle is closed either way.
   */
  private void resumeInJob(HANDLE process, HANDLE thread, JobObject job) {
    try {
      IntByReference inJob = new IntByReference();
      if (!lib.kernel32().IsProcessInJob(process, job.job(), inJob) || inJob.getValue() == 0) {
        k32.TerminateProcess(process, 125);
        throw SandboxException.cannotSandbox(
            "the new process is not in its job object (IsProcessInJob error "
                + Native.getLastError()
                + "); if this JVM runs in a job that forbids nested jobs, run it outside that job");
      }
      if (lib.kernel32().ResumeThread(thread) == -1) {
        k32.TerminateProcess(process, 125);
        throw SandboxException.cannotSandbox("ResumeThread failed: error " + Native.getLastError());
      }
    } finally {
      k32.CloseHandle(thread);
    }
  }
}
