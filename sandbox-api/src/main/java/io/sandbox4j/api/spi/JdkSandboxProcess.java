package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * A {@link SandboxProcess} over a {@link Process} the launcher started with {@link ProcessBuilder};
 * the launcher supplies how its tree is killed.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class JdkSandboxProcess implements SandboxProcess {
  private final Process process;

  protected JdkSandboxProcess(Process process) {
    this.process = process;
  }

  protected final Process process() {
    return process;
  }

  @Override
  public final long pid() {
    return process.pid();
  }

  @Override
  public final OutputStream stdin() {
    return process.getOutputStream();
  }

  @Override
  public final InputStream stdout() {
    return process.getInputStream();
  }

  @Override
  public final InputStream stderr() {
    return process.getErrorStream();
  }

  @Override
  public final int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public final boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    return process.waitFor(timeout, unit);
  }

  @Override
  public final boolean isAlive() {
    return process.isAlive();
  }
}
