package io.sandbox4j.langchain4j;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A {@link Sandbox} as a LangChain4j tool: the model calls {@code run_command} with a command line,
 * which runs in the sandbox under the policy given here, and gets back how it ended with its
 * output.
 *
 * <pre>{@code
 * Assistant agent = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .tools(SandboxTool.of(Sandbox.create(), SandboxPolicy.defaults(workspace)))
 *     .build();
 * }</pre>
 *
 * <p>The policy is fixed: the model can ask for a shorter timeout, nothing else. Standard output
 * and standard error are each cut to {@link #DEFAULT_OUTPUT_CAP_BYTES} bytes in what the model
 * sees, with the cut stated. A command the sandbox refuses (exit 125, 2) returns the refusal as
 * text: the model reads why and can try otherwise.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SandboxTool {
  public static final int DEFAULT_OUTPUT_CAP_BYTES = 16 * 1024;

  private final Sandbox sandbox;
  private final SandboxPolicy policy;
  private final int outputCap;

  private SandboxTool(Sandbox sandbox, SandboxPolicy policy, int outputCap) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
    this.policy = Objects.requireNonNull(policy, "policy");
    if (outputCap < 1) {
      throw new IllegalArgumentException(
          "the output cap must be at least 1 byte, got " + outputCap);
    }
    this.outputCap = outputCap;
  }

  /** The tool for commands run in {@code sandbox} under {@code policy}. */
  public static SandboxTool of(Sandbox sandbox, SandboxPolicy policy) {
    return new SandboxTool(sandbox, policy, DEFAULT_OUTPUT_CAP_BYTES);
  }

  /** This tool with another cap on each of stdout and stderr as the model sees them. */
  public SandboxTool withOutputCap(int bytes) {
    return new SandboxTool(sandbox, policy, bytes);
  }

  @Tool(
      name = "run_command",
      value =
          "Runs a shell command line (/bin/sh -c) in an operating-system sandbox in the"
              + " workspace: it may write only the workspace, reads no credentials, and has the"
              + " network the policy gives. Returns how it ended (exit code, timeout), then its"
              + " standard output and standard error.")
  public String runCommand(
      @P(name = "command", value = "The command line to run, e.g. \"make test\"") String command,
      @P(
              name = "timeoutSeconds",
              value =
                  "Seconds after which the command is killed; at most the policy's timeout."
                      + " Leave out for the policy's.",
              required = false)
          Integer timeoutSeconds) {
    SandboxPolicy p = policy;
    if (timeoutSeconds != null) {
      Duration t = Duration.ofSeconds(Math.max(1, timeoutSeconds));
      if (policy.resources().timeout().map(limit -> t.compareTo(limit) > 0).orElse(false)) {
        return "refused: timeoutSeconds "
            + timeoutSeconds
            + " is longer than the policy's timeout of "
            + policy.resources().timeout().get().toSeconds()
            + " s; nothing was run";
      }
      p = policy.toBuilder().resources(policy.resources().withTimeout(t)).build();
    }
    SandboxResult r;
    try {
      r = sandbox.run(SandboxRequest.of(p, List.of("/bin/sh", "-c", command)));
    } catch (SandboxException e) {
      return "refused (exit " + e.exitCode() + "): " + e.getMessage();
    }
    StringBuilder b = new StringBuilder();
    b.append(
        r.timedOut()
            ? "timed out after " + r.elapsed().toMillis() + " ms"
            : "exit code " + r.exitCode());
    r.deniedNetworkEvents().forEach(e -> b.append("\ndenied: ").append(e.summary()));
    r.notices().forEach(n -> b.append("\nnotice: ").append(n));
    b.append("\nstdout:\n").append(capped(r.stdout()));
    b.append("\nstderr:\n").append(capped(r.stderr()));
    return b.toString();
  }

  private String capped(byte[] bytes) {
    if (bytes.length <= outputCap) {
      return new String(bytes, StandardCharsets.UTF_8);
    }
    return new String(bytes, 0, outputCap, StandardCharsets.UTF_8)
        + "\n[output cut: "
        + outputCap
        + " of "
        + bytes.length
        + " bytes shown]";
  }
}
