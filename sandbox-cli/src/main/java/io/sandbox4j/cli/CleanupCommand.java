package io.sandbox4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sandbox cleanup [--workspace DIR]}: reverts what backends left for a workspace. */
@Command(
    name = "cleanup",
    mixinStandardHelpOptions = true,
    description = {
      "Reverts what sandboxing left for a workspace between runs: empty placeholders of protected",
      "paths (Linux), one-time ACL grants and the AppContainer profile (Windows), and the",
      "change sets of --ephemeral runs over this workspace (not those of other workspaces).",
      "Run it when no sandbox is running on the workspace. Exit 0 when everything was reverted,",
      "125 when something could not be (it is named, and a later cleanup retries it)."
    })
final class CleanupCommand implements Callable<Integer> {
  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "The workspace (default: current directory).")
  Path workspace;

  @Spec CommandSpec spec;

  private final CliContext context;

  CleanupCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Path ws =
        context.workingDirectory().resolve(workspace == null ? Path.of("") : workspace).normalize();
    List<String> done = new java.util.ArrayList<>(context.sandbox().cleanup(ws));
    done.addAll(io.sandbox4j.core.changes.ChangeSets.forUser(context.environment()).cleanup(ws));
    PrintWriter out = spec.commandLine().getOut();
    if (done.isEmpty()) {
      out.println("nothing to clean up for " + ws);
    } else {
      done.forEach(out::println);
    }
    out.flush();
    return 0;
  }
}
