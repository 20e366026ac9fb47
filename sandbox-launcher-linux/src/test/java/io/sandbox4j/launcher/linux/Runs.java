package io.sandbox4j.launcher.linux;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Test helper: runs a command through the real native launcher and collects its output. */
final class Runs {
  static final NativeLauncher LAUNCHER = new NativeLauncher(new LauncherBinary());
  static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

  private Runs() {}

  record Result(int exit, byte[] out, String err) {
    String stdout() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  static boolean available() {
    return LAUNCHER.probe().available();
  }

  static LaunchSpec spec(Path workdir, LinuxLaunchPlan plan, String... command) {
    LaunchSpec spec =
        new LaunchSpec(SandboxPolicy.defaults(workdir), List.of(command), workdir, ENV);
    if (plan != null) {
      spec.extension(LinuxLaunchPlan.class, () -> plan);
    }
    return spec;
  }

  static Result run(LaunchSpec spec, byte[] stdin) throws Exception {
    SandboxProcess p = LAUNCHER.launch(spec);
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.stdout()));
    CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.stderr()));
    try (var in = p.stdin()) {
      in.write(stdin);
    } catch (IOException ignored) {
      // the command may exit without reading its input
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.killTree();
      throw new AssertionError("command did not end within 60 s");
    }
    return new Result(
        p.waitFor(),
        out.get(10, TimeUnit.SECONDS),
        new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  static Result run(Path workdir, LinuxLaunchPlan plan, String... command) throws Exception {
    return run(spec(workdir, plan, command), new byte[0]);
  }

  static Result sh(Path workdir, LinuxLaunchPlan plan, String script) throws Exception {
    return run(workdir, plan, "/bin/sh", "-c", script);
  }

  static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A new scratch directory under target/ (not /tmp: nothing may depend on what a sandbox does
   * there).
   */
  static Path scratch(String prefix) throws IOException {
    return Files.createTempDirectory(
            Files.createDirectories(Path.of("target", "scratch")).toAbsolutePath(), prefix)
        .toRealPath();
  }

  /** Deletes a scratch tree without following links. */
  static void deleteTree(Path root) throws IOException {
    if (root == null || !Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Whether a pid is alive and not a zombie. */
  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  static boolean goneWithin(long pid, long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      if (!alive(pid)) {
        return true;
      }
      Thread.sleep(20);
    }
    return !alive(pid);
  }
}
