package io.sandbox4j.cli;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.core.changes.Change;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.changes.ChangeSets;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sandbox changes list | show ID [--stat] | diff ID | apply ID [--allow-protected] | discard
 * ID}: the change sets that runs with {@code --ephemeral} left (issue 14).
 */
@Command(
    name = "changes",
    mixinStandardHelpOptions = true,
    description = {
      "The change sets of runs with --ephemeral: what each command wrote, deleted or renamed,",
      "kept out of the real workspace until applied. Exit 0; 1 when apply is refused (protected",
      "paths or conflicts, named; nothing is written); 2 for an unknown id."
    })
final class ChangesCommand {
  @Spec CommandSpec spec;

  private final CliContext context;

  ChangesCommand(CliContext context) {
    this.context = context;
  }

  private ChangeSets store() {
    return ChangeSets.forUser(context.environment());
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }

  @Command(name = "list", description = "Every change set: id, workspace, summary.")
  int list() {
    PrintWriter out = out();
    for (ChangeSet c : store().list()) {
      String summary;
      try {
        summary = c.summary();
      } catch (SandboxException e) {
        // one unreadable change set does not hide the others
        summary = "unreadable: " + e.getMessage();
      }
      out.println(c.id() + "  " + c.workspace() + "  " + summary);
    }
    out.flush();
    return 0;
  }

  @Command(name = "show", description = "The changed paths (A added, C changed, D deleted).")
  int show(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--stat", description = "Lines added and removed per file.") boolean stat) {
    ChangeSet c = store().get(id);
    PrintWriter out = out();
    out.println("change set " + c.id() + " over " + c.workspace() + ", started " + c.started());
    if (stat) {
      out.print(c.stat());
    } else {
      List<Change> changes = c.changes();
      changes.forEach(out::println);
      out.println(c.summary());
    }
    out.flush();
    return 0;
  }

  @Command(name = "diff", description = "A unified diff of the workspace against the layer.")
  int diff(@Parameters(paramLabel = "ID") String id) {
    PrintWriter out = out();
    out.print(store().get(id).diff());
    out.flush();
    return 0;
  }

  @Command(
      name = "apply",
      description = {
        "Writes the change set into the workspace (each file atomically), then discards it.",
        "Refused, with nothing written, for paths under protected locations (git internals,",
        "hooks, .sandbox4j, the run's protected names) and for conflicts (real files changed",
        "since the run started)."
      })
  int apply(
      @Parameters(paramLabel = "ID") String id,
      @Option(names = "--allow-protected", description = "Apply protected paths too.")
          boolean allowProtected) {
    ChangeSet c = store().get(id);
    List<Change> applied = c.apply(allowProtected);
    PrintWriter out = out();
    out.println(
        "applied change set "
            + c.id()
            + " to "
            + c.workspace()
            + " ("
            + applied.size()
            + " changes) and discarded it");
    out.flush();
    return 0;
  }

  @Command(name = "discard", description = "Removes the change set; the workspace is untouched.")
  int discard(@Parameters(paramLabel = "ID") String id) {
    ChangeSet c = store().get(id);
    c.discard();
    out().println("discarded change set " + c.id());
    out().flush();
    return 0;
  }
}
