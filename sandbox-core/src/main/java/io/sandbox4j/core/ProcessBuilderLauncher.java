package io.sandbox4j.core;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.AbstractLauncher;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.JdkSandboxProcess;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.IOException;
import java.util.Set;

/**
 * Starts a spec that carries no platform extension with a plain {@link ProcessBuilder}. It applies
 * nothing beyond the environment, working directory and redirects, so it is only ever chosen when
 * the selected isolators need nothing more (for example third-party backends in tests).
 */
final class ProcessBuilderLauncher extends AbstractLauncher {

  ProcessBuilderLauncher() {
    super("process-builder", Set.of());
  }

  @Override
  public Availability probe() {
    return Availability.available("java.lang.ProcessBuilder");
  }

  @Override
  public SandboxProcess launch(LaunchSpec spec) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(spec.command());
    pb.directory(spec.workingDirectory().toFile());
    pb.environment().clear();
    pb.environment().putAll(spec.environment());
    spec.redirects().applyTo(pb);
    Process p;
    try {
      p = spec.starter().start(pb);
    } catch (IOException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("error=2,")) {
        throw new SandboxException(127, spec.command().get(0) + ": command not found");
      }
      if (msg.contains("error=13,")) {
        throw new SandboxException(126, spec.command().get(0) + ": permission denied");
      }
      throw e;
    }
    return new JdkProcess(p);
  }

  /** Kills the visible descendants (reparented ones escape: no PROC_TREE_KILL here). */
  static final class JdkProcess extends JdkSandboxProcess {
    JdkProcess(Process process) {
      super(process);
    }

    @Override
    public void killTree() {
      process().descendants().forEach(ProcessHandle::destroyForcibly);
      // Through the handle, not Process.destroyForcibly: that also closes the process's streams,
      // so a reader still draining them (a timeout that kills a running command) would fail with
      // "Stream closed" instead of reading what was written and then the end of the stream.
      process().toHandle().destroyForcibly();
    }
  }
}
