package io.sandbox4j.mcp;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.proxy.NetworkEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One {@code run_command} call: starts the command in the sandbox, feeds its standard input,
 * collects its output under the cap, reports progress while it runs and says how it ended. {@link
 * #cancel} kills the whole tree (the engine's kill, as for a timeout).
 */
final class CommandRun {
  /** What a progress notification carries: seconds so far, the timeout if any, a message. */
  record Progress(double seconds, Double total, String message) {}

  private final CappedOutput stdout;
  private final CappedOutput stderr;
  private volatile boolean cancelled;
  private volatile SandboxExecution execution;

  CommandRun(int outputCap) {
    this.stdout = new CappedOutput(outputCap);
    this.stderr = new CappedOutput(outputCap);
  }

  void cancel() {
    cancelled = true;
    SandboxExecution e = execution;
    if (e != null) {
      e.kill();
    }
  }

  /** Runs the call to its end; the map is the tool result's structured content. */
  Map<String, Object> run(
      Sandbox sandbox,
      SandboxRequest request,
      String stdinText,
      Duration progressEvery,
      Consumer<Progress> progress)
      throws InterruptedException {
    long started = System.nanoTime();
    if (cancelled) { // while it waited for a slot
      return Map.of("ended", "cancelled", "durationMillis", 0L);
    }
    try (SandboxExecution ex = sandbox.start(request)) {
      execution = ex;
      if (cancelled) {
        ex.kill();
      }
      Thread in = feed(ex.stdin(), stdinText);
      Thread out = reader(() -> stdout.drain(ex.stdout()), "stdout");
      Thread err = reader(() -> stderr.drain(ex.stderr()), "stderr");
      Optional<Duration> timeout = request.policy().resources().timeout();
      Optional<SandboxResult> done;
      while ((done = ex.waitFor(progressEvery)).isEmpty()) {
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.accept(
            new Progress(
                seconds,
                timeout.map(t -> t.toMillis() / 1000.0).orElse(null),
                progressMessage(seconds)));
      }
      SandboxResult result = done.get();
      for (Thread t : List.of(in, out, err)) {
        t.join(Duration.ofSeconds(10).toMillis());
      }
      return ended(result);
    } catch (SandboxException e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ended", "refused");
      m.put("exitCode", e.exitCode());
      m.put("reason", e.getMessage());
      m.put("durationMillis", (System.nanoTime() - started) / 1_000_000);
      return m;
    }
  }

  private String progressMessage(double seconds) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                java.util.Locale.ROOT,
                "running for %.1f s; stdout %d bytes, stderr %d bytes so far",
                seconds,
                stdout.total(),
                stderr.total()));
    String o = stdout.recent();
    String e = stderr.recent();
    if (!o.isEmpty()) {
      b.append("\nlatest stdout:\n").append(o);
    }
    if (!e.isEmpty()) {
      b.append("\nlatest stderr:\n").append(e);
    }
    return b.toString();
  }

  private Map<String, Object> ended(SandboxResult r) {
    int code = r.exitCode();
    Map<String, Object> m = new LinkedHashMap<>();
    if (cancelled) {
      m.put("ended", "cancelled");
    } else if (r.timedOut()) {
      m.put("ended", "timeout");
    } else if (code > 128 && code <= 128 + 64) {
      m.put("ended", "signal");
      m.put("signal", code - 128);
    } else {
      m.put("ended", "exited");
    }
    m.put("exitCode", code);
    m.put("durationMillis", r.elapsed().toMillis());
    m.put("stdout", stdout.text());
    m.put("stdoutBytes", stdout.total());
    m.put("stdoutTruncated", stdout.truncated());
    m.put("stderr", stderr.text());
    m.put("stderrBytes", stderr.total());
    m.put("stderrTruncated", stderr.truncated());
    m.put("denials", r.deniedNetworkEvents().stream().map(CommandRun::denial).toList());
    if (!r.notices().isEmpty()) {
      m.put("notices", r.notices());
    }
    return m;
  }

  private static Map<String, Object> denial(NetworkEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", "network");
    m.put("protocol", e.protocol());
    m.put("host", e.host());
    m.put("port", e.port());
    m.put("reason", e.reason());
    m.put("summary", e.summary());
    return m;
  }

  private static Thread feed(OutputStream stdin, String text) {
    return reader(
        () -> {
          try (stdin) {
            if (text != null) {
              stdin.write(text.getBytes(StandardCharsets.UTF_8));
            }
          } catch (IOException e) {
            // the command stopped reading (or ended): the rest of its input is not needed
          }
        },
        "stdin");
  }

  private static Thread reader(Runnable r, String what) {
    Thread t = new Thread(r, "sandbox4j-mcp-" + what);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
