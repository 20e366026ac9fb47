package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * The job object limits of a run, as the values JOBOBJECT_EXTENDED_LIMIT_INFORMATION and
 * JOBOBJECT_BASIC_UI_RESTRICTIONS will carry. Zero means "no limit" for every value field; the flag
 * words say which limits apply.
 *
 * @param limitFlags JOB_OBJECT_LIMIT_* flags; KILL_ON_JOB_CLOSE is always set
 * @param activeProcessLimit ActiveProcessLimit (with JOB_OBJECT_LIMIT_ACTIVE_PROCESS)
 * @param jobMemoryLimit JobMemoryLimit in bytes (with JOB_OBJECT_LIMIT_JOB_MEMORY)
 * @param perJobUserTimeLimit PerJobUserTimeLimit in 100 ns units (with JOB_OBJECT_LIMIT_JOB_TIME)
 * @param uiRestrictions JOB_OBJECT_UILIMIT_* flags
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record JobLimits(
    int limitFlags,
    int activeProcessLimit,
    long jobMemoryLimit,
    long perJobUserTimeLimit,
    int uiRestrictions) {

  /** Only kill-on-close: every job gets at least this, so closing the job kills the tree. */
  public static final JobLimits KILL_ON_CLOSE =
      new JobLimits(Win32Constants.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE, 0, 0, 0, 0);

  /** Kill-on-close and every JOB_OBJECT_UILIMIT_* restriction (clipboard, desktop, ...). */
  public static final JobLimits ALL_UI_RESTRICTIONS =
      new JobLimits(
          Win32Constants.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
          0,
          0,
          0,
          Win32Constants.JOB_OBJECT_UILIMIT_ALL);

  public JobLimits {
    limitFlags |= Win32Constants.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    check(
        Win32Constants.JOB_OBJECT_LIMIT_ACTIVE_PROCESS,
        limitFlags,
        activeProcessLimit,
        "active process limit");
    check(Win32Constants.JOB_OBJECT_LIMIT_JOB_MEMORY, limitFlags, jobMemoryLimit, "job memory");
    check(Win32Constants.JOB_OBJECT_LIMIT_JOB_TIME, limitFlags, perJobUserTimeLimit, "job time");
    if ((limitFlags
            & (Win32Constants.JOB_OBJECT_LIMIT_BREAKAWAY_OK
                | Win32Constants.JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK))
        != 0) {
      throw new IllegalArgumentException(
          "a sandbox job must not allow breakaway (limit flags 0x"
              + Integer.toHexString(limitFlags)
              + ")");
    }
  }

  private static void check(int flag, int flags, long value, String what) {
    boolean set = (flags & flag) != 0;
    if (set && value <= 0) {
      throw new IllegalArgumentException(what + " flag set but value is " + value);
    }
    if (!set && value != 0) {
      throw new IllegalArgumentException(what + " " + value + " given without its limit flag");
    }
  }

  /** The union of both: every flag of either, the lower of two limits. */
  public JobLimits merge(JobLimits o) {
    return new JobLimits(
        limitFlags | o.limitFlags,
        minPositive(activeProcessLimit, o.activeProcessLimit),
        minPositive(jobMemoryLimit, o.jobMemoryLimit),
        minPositive(perJobUserTimeLimit, o.perJobUserTimeLimit),
        uiRestrictions | o.uiRestrictions);
  }

  private static int minPositive(int a, int b) {
    return (int) minPositive((long) a, (long) b);
  }

  private static long minPositive(long a, long b) {
    if (a == 0) {
      return b;
    }
    if (b == 0) {
      return a;
    }
    return Math.min(a, b);
  }
}
