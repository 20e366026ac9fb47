package io.sandbox4j.cli;

import io.sandbox4j.config.PolicySettings;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A subcommand that takes the policy flags and policy file ({@code run}, {@code explain}, {@code
 * why}): picocli reads this class's {@code @Command} attributes and fields into every subclass, so
 * the flag table and the standard help options are declared once.
 */
@Command(mixinStandardHelpOptions = true, modelTransformer = PolicyOptions.Flags.class)
abstract class PolicyCommand implements Callable<Integer> {
  @Mixin PolicyOptions options = new PolicyOptions();

  @Spec CommandSpec spec;

  private final Supplier<CliContext> contexts;

  PolicyCommand(CliContext context) {
    this(() -> context);
  }

  /** A command reused across requests (the warm engine's): each call takes its own context. */
  PolicyCommand(Supplier<CliContext> contexts) {
    this.contexts = contexts;
  }

  /** The context of the call in progress. */
  final CliContext context() {
    return contexts.get();
  }

  /** The policy file's settings with the flags on top, relative to the caller's directory. */
  final PolicySettings settings() {
    return options.settings(context().workingDirectory());
  }
}
