package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.cli.engine.EngineDirectoryGuard;
import io.sandbox4j.config.PolicySettings;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.mcp.SandboxMcpServer;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code sandbox mcp [policy options]}: serves the Model Context Protocol on standard input and
 * output. The policy comes from the same flags and files as {@code run} and holds for the session.
 */
@Command(
    name = "mcp",
    mixinStandardHelpOptions = true,
    modelTransformer = PolicyOptions.Flags.class,
    description =
        "Serves the Model Context Protocol over stdio (tools run_command, explain_policy,"
            + " list_backends) under the policy the flags fix for the session; a call may only"
            + " narrow it. Standard output carries protocol messages only, logs go to standard"
            + " error. Exit 0 when the client closes the connection, 125 when the policy cannot"
            + " be enforced here (checked at start), 2 for a bad flag, value or policy file.")
final class McpCommand implements Callable<Integer> {
  @Mixin PolicyOptions options = new PolicyOptions();

  @Option(
      names = "--max-concurrent",
      paramLabel = "N",
      description =
          "Commands that may run at once; further calls wait (default: ${DEFAULT-VALUE}).")
  int maxConcurrent = SandboxMcpServer.DEFAULT_MAX_CONCURRENT_RUNS;

  @Option(
      names = "--output-limit",
      paramLabel = "BYTES",
      description =
          "Bytes of stdout and of stderr a result keeps, each; the rest is counted and the"
              + " truncation stated (default: ${DEFAULT-VALUE}).")
  int outputLimit = SandboxMcpServer.DEFAULT_OUTPUT_CAP_BYTES;

  private final CliContext context;

  McpCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (maxConcurrent < 1) {
      throw SandboxException.invalid("--max-concurrent must be at least 1, got " + maxConcurrent);
    }
    if (outputLimit < 1) {
      throw SandboxException.invalid("--output-limit must be at least 1, got " + outputLimit);
    }
    Map<String, String> env = context.environment();
    PolicySettings settings = options.settings(context.workingDirectory());
    SandboxPolicy policy = settings.resolve(env);
    // as for run: a call's command could replace the engine's socket, lock or log (calls only
    // narrow the session's writable roots, so the session's are the ones to check)
    EngineDirectoryGuard.refuseIfWritable(policy, env);
    List<String> backends = settings.backends();
    Sandbox sandbox = context.sandbox();
    // Fail closed at start: a session whose policy nothing here enforces serves no calls.
    sandbox.plan(policy, backends);
    // Standard output is the protocol's: whatever else prints (a library, a stray println) goes to
    // standard error instead.
    OutputStream protocol = new FileOutputStream(FileDescriptor.out);
    PrintStream stdout = System.out;
    System.setOut(System.err);
    try {
      SandboxMcpServer.builder(sandbox, policy)
          .backends(backends)
          .callerEnvironment(env)
          .maxConcurrentRuns(maxConcurrent)
          .outputCapBytes(outputLimit)
          .explanation(() -> explanation(policy, backends, settings.profileReport(), env, sandbox))
          .backendList(
              () ->
                  JsonMapper.builder()
                      .build()
                      .writerWithDefaultPrettyPrinter()
                      .writeValueAsString(
                          BackendsCommand.toJson(
                              sandbox.registry().backends(), sandbox.registry().launchers())))
          .build()
          .serve(System.in, protocol);
    } finally {
      System.setOut(stdout);
    }
    return 0;
  }

  private static String explanation(
      SandboxPolicy policy,
      List<String> backends,
      List<String> profileReport,
      Map<String, String> env,
      Sandbox sandbox) {
    StringWriter text = new StringWriter();
    PrintWriter out = new PrintWriter(text);
    try {
      ExplainCommand.explain(out, policy, backends, profileReport, env, sandbox);
    } catch (SandboxException e) {
      out.println("the sandbox would refuse: " + e.getMessage());
    }
    out.flush();
    return text.toString();
  }
}
