package io.sandbox4j.cli;

import io.sandbox4j.config.PolicySettings;
import io.sandbox4j.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The policy flags shared by {@code run} and {@code explain}: {@code --policy}, and one flag per
 * entry of sandbox-config's table of settings ({@link Setting}), added by {@link Flags}. Values are
 * taken as text and checked by the table, as a policy file's are, so each is checked in one place
 * and an error names the flag.
 */
final class PolicyOptions {
  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy file (.toml, .yaml/.yml, .json); flags override it.")
  Path policy;

  /** The command this mixin is part of: the table's flags live there. */
  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** Adds the table's flags to a command (its {@code @Command(modelTransformer)}). */
  static final class Flags implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      for (Setting s : Setting.values()) {
        if (s.flag().isPresent()) {
          spec.addOption(
              OptionSpec.builder(s.flag().get())
                  .paramLabel(s.paramLabel().orElseThrow())
                  .description(s.description().orElseThrow())
                  .type(s.repeatable() ? List.class : String.class)
                  .auxiliaryTypes(String.class)
                  .build());
        }
      }
      return spec;
    }
  }

  /** The policy file's settings (if any) with these flags on top. */
  PolicySettings settings(Path cwd) {
    PolicySettings base =
        policy != null ? PolicySettings.load(policy, cwd) : new PolicySettings(cwd);
    PolicySettings flags = new PolicySettings(cwd);
    // one pass over the options: picocli's findOption searches them all for every flag, which
    // was a tenth of a warm engine's time per run
    Map<String, OptionSpec> byName = new HashMap<>();
    for (OptionSpec o : command.options()) {
      for (String name : o.names()) {
        byName.put(name, o);
      }
    }
    for (Setting s : Setting.values()) {
      OptionSpec option = s.flag().map(byName::get).orElse(null);
      Object given = option == null ? null : option.getValue();
      if (given instanceof List<?> values) {
        values.forEach(v -> flags.set(s, (String) v));
      } else if (given != null) {
        flags.set(s, (String) given);
      }
    }
    return base.overrideWith(flags);
  }
}
