package io.sandbox4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The top-level {@code sandbox} command; Main adds the subcommands. */
@Command(
    name = "sandbox",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Runs commands under limits the operating system enforces.")
final class SandboxCommand {
  @Option(
      names = "--verbose",
      scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Print stack traces with errors.")
  boolean verbose;
}
