package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.cli.engine.EngineCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.function.Supplier;
import picocli.AutoComplete.GenerateCompletion;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
    for (int i = 0; i < args.length; i++) {
      if (args[i].indexOf('\uFFFD') >= 0) {
        // The JVM replaced bytes that are not UTF-8 before any of our code ran: running the
        // command with other bytes than the caller gave would be worse than not running it.
        System.err.println(
            "sandbox: argument "
                + (i + 1)
                + " holds bytes that are not UTF-8 (or U+FFFD itself), which cannot pass through"
                + " the JVM unchanged; pass such names through a file or a UTF-8 spelling");
        System.exit(SandboxException.EXIT_USAGE);
      }
    }
    System.exit(commandLine(CliContext.system(args), args).execute(args));
  }

  /** The subcommands, in help order. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RunCommand.class,
          BackendsCommand.class,
          ExplainCommand.class,
          WhyCommand.class,
          ConformanceCommand.class,
          CleanupCommand.class,
          McpCommand.class,
          ChangesCommand.class,
          EngineCommand.class,
          GenerateCompletion.class);

  /** The configured command line with every subcommand; tests use it with their own writers. */
  static CommandLine commandLine(CliContext context) {
    return commandLine(context, new String[0]);
  }

  /**
   * The configured command line. Building picocli's model of a command costs tens of milliseconds
   * of a cold start, so when {@code args} name a subcommand (other than generate-completion, which
   * needs the whole tree) only that one is built.
   */
  public static CommandLine commandLine(CliContext context, String[] args) {
    IFactory defaults = CommandLine.defaultFactory();
    // A command whose constructor takes the context gets it; the rest (generate-completion) are
    // picocli's own.
    IFactory factory =
        new IFactory() {
          @Override
          public <K> K create(Class<K> cls) throws Exception {
            Constructor<K> withContext;
            try {
              withContext = cls.getDeclaredConstructor(CliContext.class);
            } catch (NoSuchMethodException e) {
              return defaults.create(cls);
            }
            return withContext.newInstance(context);
          }
        };
    CommandLine cl = new CommandLine(new SandboxCommand(), factory);
    String first = args.length > 0 ? args[0] : "";
    boolean onlyFirst =
        !first.equals("generate-completion")
            && SUBCOMMANDS.stream().anyMatch(c -> name(c).equals(first));
    for (Class<?> c : SUBCOMMANDS) {
      if (!onlyFirst || name(c).equals(first)) {
        try {
          cl.addSubcommand(new CommandLine(factory.create(c), factory));
        } catch (Exception e) {
          throw new IllegalStateException("cannot create the " + name(c) + " command", e);
        }
      }
    }
    return configured(cl);
  }

  /**
   * A {@code run} command line that can serve many requests one after the other (the warm engine's,
   * which builds one per concurrent request instead of one per request): each execution takes the
   * context {@code contexts} gives at that moment. picocli resets every option and parameter to its
   * initial value before it parses, so nothing of one request's arguments is left for the next
   * (ReusableRunTest); the caller sets the writers per request.
   */
  public static CommandLine reusableRun(Supplier<CliContext> contexts) {
    CommandLine cl = new CommandLine(new SandboxCommand());
    cl.addSubcommand(new CommandLine(new RunCommand(contexts)));
    return configured(cl);
  }

  private static CommandLine configured(CommandLine cl) {
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

  private static String name(Class<?> command) {
    return command.getAnnotation(Command.class).name();
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
