package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;

/** Entry point of {@code ./sandbox}. All output goes through the CommandLine's writers. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Backends report through System.Logger (java.util.logging here): one line on standard error.
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      System.setProperty("java.util.logging.SimpleFormatter.format", "sandbox: %4$s: %5$s%6$s%n");
    }
    System.exit(commandLine(CliContext.system()).execute(args));
  }

  /** The configured command line; tests call this with their own context and writers. */
  static CommandLine commandLine(CliContext context) {
    IFactory defaults = CommandLine.defaultFactory();
    IFactory factory =
        new IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            if (cls == RunCommand.class) {
              return cls.cast(new RunCommand(context));
            }
            if (cls == BackendsCommand.class) {
              return cls.cast(new BackendsCommand(context));
            }
            if (cls == ExplainCommand.class) {
              return cls.cast(new ExplainCommand(context));
            }
            if (cls == CleanupCommand.class) {
              return cls.cast(new CleanupCommand(context));
            }
            return defaults.create(cls);
          }
        };
    CommandLine cl = new CommandLine(new SandboxCommand(), factory);
    cl.setExitCodeExceptionMapper(
        e ->
            e instanceof SandboxException se
                ? se.exitCode()
                : SandboxException.EXIT_CANNOT_SANDBOX);
    cl.setParameterExceptionHandler(Main::badInput);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          boolean verbose =
              parseResult.hasMatchedOption("--verbose")
                  || parseResult.subcommands().stream()
                      .anyMatch(p -> p.hasMatchedOption("--verbose"));
          if (e instanceof SandboxException se) {
            err.println("sandbox: " + se.getMessage());
            if (verbose) {
              se.printStackTrace(err);
            }
            err.flush();
            return se.exitCode();
          }
          err.println("sandbox: internal error: " + e);
          if (verbose) {
            e.printStackTrace(err);
          } else {
            err.println("sandbox: run again with --verbose for the stack trace");
          }
          err.flush();
          return SandboxException.EXIT_CANNOT_SANDBOX;
        });
    return cl;
  }

  private static int badInput(ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    err.println("sandbox: " + e.getMessage());
    err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return SandboxException.EXIT_USAGE;
  }
}
