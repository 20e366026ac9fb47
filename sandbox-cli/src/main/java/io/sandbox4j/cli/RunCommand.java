package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.cli.engine.EngineDirectoryGuard;
import io.sandbox4j.config.PolicySettings;
import io.sandbox4j.core.Denial;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxRequest;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.proxy.NetworkEvent;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sandbox run [options] -- COMMAND [ARG...]}. */
@Command(
    name = "run",
    description = {
      "Runs COMMAND in the sandbox. Exit code: the command's own; 128+N when it dies of signal N;",
      "124 on --timeout; 125 when the sandbox cannot be set up or cannot enforce the policy;",
      "126 not executable; 127 not found; 2 for a bad flag, value or policy file. 125 also when",
      "the git directories of the writable roots cannot be made safe after the run."
    })
final class RunCommand extends PolicyCommand {
  @Parameters(
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments.")
  List<String> command;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description =
          "Write a JSON report of the run (policy summary, isolators, exit, signal, timeout,"
              + " duration, denials; schema docs/schema/run-report-v1.json) to FILE.")
  Path report;

  @Option(
      names = "--ephemeral",
      description =
          "Run on a copy-on-write layer over the workspace: the real tree stays as it is; the"
              + " change set's id and summary are printed on stderr (see `sandbox changes`).")
  boolean ephemeral;

  @Option(
      names = "--on",
      paramLabel = "ID",
      description =
          "With --ephemeral: continue the unapplied change set ID (the run writes into the same"
              + " layer).")
  String on;

  RunCommand(CliContext context) {
    super(context);
  }

  /** A command reused across requests (the warm engine's): each call takes its own context. */
  RunCommand(Supplier<CliContext> contexts) {
    super(contexts);
  }

  @Override
  public Integer call() throws Exception {
    CliContext context = context();
    Map<String, String> env = context.environment();
    PolicySettings settings = settings();
    try (GitIdentity git =
        GitIdentity.apply(
            EphemeralRuns.policy(settings.resolve(env, context.workingDirectory()), ephemeral, on),
            env)) {
      git.problems().forEach(p -> spec.commandLine().getErr().println("sandbox: " + p));
      return run(context, settings, git.policy(), env);
    }
  }

  private int run(
      CliContext context, PolicySettings settings, SandboxPolicy policy, Map<String, String> env)
      throws Exception {
    EngineDirectoryGuard.refuseIfWritable(policy, env);
    Sandbox sandbox = context.sandbox();
    SandboxRequest request =
        SandboxRequest.of(policy, command)
            .withBackends(settings.backends())
            .withCallerEnvironment(env)
            .inheritIo()
            .withProcessStarter(context.caller().starter());
    RunReport.Target reportTarget =
        report == null ? null : RunReport.Target.before(context.workingDirectory().resolve(report));
    // Standard error passes through a pipe, unchanged and unbuffered, so that a copy can be
    // scanned for the paths the policy denied; a terminal stays the command's own.
    boolean scan = !context.caller().stderrIsTerminal();
    try (SandboxExecution execution =
        scan
            ? sandbox.start(
                request.withRedirects(
                    new Redirects(Redirect.INHERIT, Redirect.INHERIT, Redirect.PIPE)),
                context.caller().stderr())
            : sandbox.start(request)) {
      context.caller().started(execution);
      // If this JVM is told to stop (Ctrl-C, SIGTERM), the sandboxed tree goes with it.
      Thread killer = new Thread(execution::kill, "sandbox4j-kill-on-exit");
      Runtime.getRuntime().addShutdownHook(killer);
      Instant started = Instant.now();
      try {
        SandboxResult result = execution.waitFor();
        PrintWriter err = spec.commandLine().getErr();
        for (NetworkEvent e : result.deniedNetworkEvents()) {
          err.println("sandbox: " + e.summary());
        }
        // what the post-run git sweep did (and, with 125, what it could not do)
        for (String line : result.notices()) {
          err.println("sandbox: " + line);
        }
        EphemeralRuns.report(result, err);
        for (Denial d : result.denials()) {
          if (d.source() == Denial.Source.INFERRED) {
            err.println("sandbox: " + d.line());
          }
        }
        err.flush();
        if (reportTarget != null) {
          RunReport.write(reportTarget, policy, settings.backends(), command, started, result, err);
        }
        return result.exitCode();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running or about to: nothing to remove.
        }
      }
    }
  }
}
