package io.sandbox4j.cli;

import io.sandbox4j.config.PolicySettings;
import java.util.concurrent.Callable;
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

  final CliContext context;

  PolicyCommand(CliContext context) {
    this.context = context;
  }

  /** The policy file's settings with the flags on top, relative to the caller's directory. */
  final PolicySettings settings() {
    return options.settings(context.workingDirectory());
  }
}
