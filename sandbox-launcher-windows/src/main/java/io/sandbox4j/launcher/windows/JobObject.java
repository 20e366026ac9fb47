package io.sandbox4j.launcher.windows;

import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * A run's job object and the completion port it reports to (JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO
 * tells {@link JobProcess} that the whole tree has ended). Made by {@link JobObjectStep}.
 *
 * @param job the job handle; closing the last one kills every process in it (KILL_ON_JOB_CLOSE)
 * @param completionPort the I/O completion port associated with the job
 */
record JobObject(HANDLE job, HANDLE completionPort) {}
