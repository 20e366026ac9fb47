package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.Launcher;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.api.spi.SandboxProcess;
import io.sandbox4j.launcher.linux.LinuxHost;
import io.sandbox4j.launcher.linux.LinuxPlatform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: the namespaces backend and the native launcher as its provider gives them to the
 * engine, every isolator contributing to a real launch.
 */
final class Sandbox {
  static final BackendContext CONTEXT = BackendContext.standalone();
  static final SandboxBackend BACKEND = new NamespacesBackendProvider().backends(CONTEXT).get(0);
  static final Launcher LAUNCHER = LinuxPlatform.shared(CONTEXT).launcher();
  static final LinuxHost HOST = LinuxPlatform.shared(CONTEXT).host();
  static final Map<String, String> ENV = Map.of("PATH", "/usr/local/bin:/usr/bin:/bin");

  private Sandbox() {}

  record Result(int exit, String out, String err) {}

  static Isolator isolator(String id) {
    return BACKEND.isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  static boolean available() {
    return BACKEND.isolators().stream().allMatch(i -> i.probe().available());
  }

  static String why() {
    return BACKEND.isolators().get(0).probe().detail();
  }

  /** A spec for the policy with every isolator's contribution for the features it requires. */
  static LaunchSpec spec(SandboxPolicy policy, String script) {
    return spec(policy, List.of("/bin/sh", "-c", script));
  }

  static LaunchSpec spec(SandboxPolicy policy, List<String> command) {
    LaunchSpec spec = new LaunchSpec(policy, command, policy.workingDirectory(), ENV);
    Set<Feature> required = policy.requiredFeatures();
    for (Isolator i : BACKEND.isolators()) {
      if (i.features().stream().anyMatch(required::contains)) {
        i.contribute(policy, i.requiredBy(policy), spec);
      }
    }
    return spec;
  }

  static Result run(SandboxPolicy policy, String script) throws Exception {
    return run(spec(policy, script));
  }

  /** Runs the spec to its end, then its cleanups as the engine does (failures fail the test). */
  static Result run(LaunchSpec spec) throws Exception {
    SandboxProcess p = LAUNCHER.launch(spec);
    try {
      p.stdin().close();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.stdout()));
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.stderr()));
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("command did not end within 60 s");
      }
      return new Result(
          p.waitFor(),
          new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8),
          new String(err.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } finally {
      p.killTree();
      List<RuntimeException> failures = spec.runCleanups();
      if (!failures.isEmpty()) {
        throw new AssertionError("cleanup failed: " + failures, failures.get(0));
      }
    }
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
