package io.sandbox4j.launcher.windows;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinBase;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_ASSOCIATE_COMPLETION_PORT;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_BASIC_UI_RESTRICTIONS;
import io.sandbox4j.launcher.windows.Win32Structures.JOBOBJECT_EXTENDED_LIMIT_INFORMATION;

/**
 * The job object step: CreateJobObjectW, SetInformationJobObject (extended limits with
 * KILL_ON_JOB_CLOSE, UI restrictions), CreateIoCompletionPort and its association with the job. The
 * job and the port belong to the run: they are released by {@code run}, after the command.
 */
final class JobObjectStep {
  private final Win32Libraries.Loaded lib;
  private final Kernel32 k32 = Kernel32.INSTANCE;

  JobObjectStep(Win32Libraries.Loaded lib) {
    this.lib = lib;
  }

  JobObject create(JobLimits limits, Releases run) {
    HANDLE job = lib.kernel32().CreateJobObjectW(null, null);
    if (job == null) {
      throw SandboxException.cannotSandbox(
          "CreateJobObjectW failed: error " + Native.getLastError());
    }
    // Closing the last job handle kills every process in it (KILL_ON_JOB_CLOSE).
    run.add(() -> k32.CloseHandle(job));
    setLimits(job, limits);
    if (limits.uiRestrictions() != 0) {
      setUiRestrictions(job, limits.uiRestrictions());
    }
    return new JobObject(job, associateCompletionPort(job, run));
  }

  private void setLimits(HANDLE job, JobLimits limits) {
    setInformation(
        job,
        Win32Constants.JobObjectExtendedLimitInformation,
        extendedLimits(limits),
        "extended limits 0x" + Integer.toHexString(limits.limitFlags()),
        "");
  }

  /** The JOBOBJECT_EXTENDED_LIMIT_INFORMATION for {@code limits}, written to native memory. */
  static JOBOBJECT_EXTENDED_LIMIT_INFORMATION extendedLimits(JobLimits limits) {
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info = new JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
    info.BasicLimitInformation.LimitFlags = limits.limitFlags();
    info.BasicLimitInformation.ActiveProcessLimit = limits.activeProcessLimit();
    info.BasicLimitInformation.PerJobUserTimeLimit = limits.perJobUserTimeLimit();
    info.JobMemoryLimit = new SIZE_T(limits.jobMemoryLimit());
    info.write();
    return info;
  }

  private void setUiRestrictions(HANDLE job, int restrictions) {
    JOBOBJECT_BASIC_UI_RESTRICTIONS ui = new JOBOBJECT_BASIC_UI_RESTRICTIONS();
    ui.UIRestrictionsClass = restrictions;
    ui.write();
    setInformation(
        job,
        Win32Constants.JobObjectBasicUIRestrictions,
        ui,
        "UI restrictions",
        " (a job nested in a job with other UI limits cannot set its own: run the JVM outside that"
            + " job)");
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
    setInformation(
        job,
        Win32Constants.JobObjectAssociateCompletionPortInformation,
        acp,
        "completion port",
        "");
    return port;
  }

  /**
   * Sets one class of the job's information from {@code info}, already written to native memory; a
   * failure names {@code what} and ends with {@code hint}.
   */
  private void setInformation(HANDLE job, int infoClass, Structure info, String what, String hint) {
    if (!lib.kernel32().SetInformationJobObject(job, infoClass, info.getPointer(), info.size())) {
      throw SandboxException.cannotSandbox(
          "SetInformationJobObject(" + what + ") failed: error " + Native.getLastError() + hint);
    }
  }
}
