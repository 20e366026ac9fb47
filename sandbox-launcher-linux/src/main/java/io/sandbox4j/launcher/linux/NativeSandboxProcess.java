package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.spi.JdkSandboxProcess;
import io.sandbox4j.api.spi.PeakMemory;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The launcher process as seen from Java. Its exit code is the command's (128+N for signal N).
 *
 * <p>{@link #killTree()} SIGKILLs the launcher's descendants, repeatedly, while the launcher is
 * alive, and only then the launcher: the launcher is a child subreaper (or the parent of a pid
 * namespace's init), so reparented, setsid'd and double-forked descendants are still its
 * descendants and are found. Killing the launcher first would orphan them.
 */
final class NativeSandboxProcess extends JdkSandboxProcess {
  private static final int KILL_ROUNDS = 200;

  private final Path usage;
  private PeakMemory report;

  NativeSandboxProcess(Process process, Path usage) {
    super(process);
    this.usage = usage;
  }

  /** What the launcher wrote when it ended; read once, after the launcher has exited. */
  @Override
  public synchronized PeakMemory peakMemory() {
    if (report == null) {
      if (process().isAlive()) {
        return UsageReport.NONE_YET;
      }
      report = UsageReport.read(usage);
    }
    return report;
  }

  @Override
  public void killTree() {
    ProcessHandle launcher = process().toHandle();
    for (int round = 0; round < KILL_ROUNDS && launcher.isAlive(); round++) {
      List<ProcessHandle> descendants = launcher.descendants().toList();
      if (descendants.isEmpty()) {
        break;
      }
      descendants.forEach(ProcessHandle::destroyForcibly);
      Thread.onSpinWait();
    }
    try {
      // with its descendants gone the launcher exits by itself, after removing its pids cgroup
      if (!process().waitFor(1, TimeUnit.SECONDS)) {
        launcher.destroyForcibly();
        process().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      launcher.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
