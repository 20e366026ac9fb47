package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The real native launcher for integration tests, from one {@link LinuxPlatform} as an engine holds
 * it. Shared with the backends' tests through this module's test jar.
 */
public final class NativeLaunch {
  private NativeLaunch() {}

  private static final LinuxPlatform PLATFORM = LinuxPlatform.shared(BackendContext.standalone());

  public static LinuxHost host() {
    return PLATFORM.host();
  }

  public static Launcher launcher() {
    return PLATFORM.launcher();
  }

  public record Result(int exit, String stdout, String stderr) {}

  /** Runs the spec to completion, killing it after {@code timeout}; output is read concurrently. */
  public static Result run(LaunchSpec spec, Duration timeout) throws Exception {
    SandboxProcess p = launcher().launch(spec);
    try {
      p.stdin().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.stdout()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.stderr()));
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.killTree();
        throw new AssertionError("sandboxed command did not finish within " + timeout);
      }
      return new Result(p.waitFor(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    } finally {
      p.killTree();
      spec.runCleanups();
    }
  }

  private static String read(InputStream in) {
    try (in) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
