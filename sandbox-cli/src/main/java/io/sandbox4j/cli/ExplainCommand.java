package io.sandbox4j.cli;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.config.PolicySettings;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxPlan;
import io.sandbox4j.core.SelectedIsolator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/** {@code sandbox explain [options]}: the resolved policy and who enforces each rule. */
@Command(
    name = "explain",
    description = {
      "Prints the resolved policy and which backend enforces each rule, without running anything.",
      "Exit 0 when every rule is enforced, 125 when the sandbox would refuse, 2 for bad input."
    })
final class ExplainCommand extends PolicyCommand {
  ExplainCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Map<String, String> env = context().environment();
    PolicySettings settings = settings();
    return explain(
        out,
        settings.resolve(env),
        settings.backends(),
        settings.profileReport(),
        env,
        context().sandbox());
  }

  /** Prints the explanation of {@code policy}; {@code sandbox mcp}'s explain_policy uses it too. */
  static int explain(
      PrintWriter out,
      SandboxPolicy policy,
      List<String> backends,
      List<String> profileReport,
      Map<String, String> env,
      Sandbox sandbox) {
    printPolicy(out, policy, env);
    if (!profileReport.isEmpty()) {
      out.println("profiles (why each was chosen; each grant with where it was read):");
      profileReport.forEach(line -> out.println("  " + line));
    }
    out.println();
    out.println("backends: " + (backends.isEmpty() ? "automatic" : String.join(", ", backends)));
    try {
      SandboxPlan plan = sandbox.plan(policy, backends);
      out.println("enforcement:");
      for (Feature f : Feature.values()) {
        SelectedIsolator by = plan.coverage().get(f);
        if (by != null) {
          out.printf("  %-45s %s%n", f.description(), by.name());
        }
      }
      out.println("what bounds what:");
      boolean any = false;
      for (SelectedIsolator i : plan.isolators()) {
        for (String line : i.isolator().explain(policy, i.owned())) {
          out.printf("  %-22s %s%n", i.name(), line);
          any = true;
        }
      }
      if (!any) {
        out.println("  (no isolator has more to say than the enforcement list)");
      }
      out.println(
          "selected isolators: "
              + plan.isolators().stream()
                  .map(SelectedIsolator::name)
                  .collect(Collectors.joining(", ")));
      out.flush();
      return 0;
    } catch (SandboxException e) {
      out.flush();
      throw e;
    }
  }

  private static void printPolicy(PrintWriter out, SandboxPolicy p, Map<String, String> env) {
    out.println("filesystem:");
    out.println("  workspace:       " + p.filesystem().workspace());
    out.println("  working dir:     " + p.workingDirectory());
    list(out, "  allow-write:     ", p.filesystem().writableRoots());
    list(out, "  allow-read:      ", p.filesystem().readAllow());
    // the private home first, then the deny-list: the second line, in both home modes
    if (p.filesystem().privateHomes().isEmpty()) {
      out.println("  home:            read (--home read: readable but for the deny-list)");
    } else {
      list(out, "  private home:    ", p.filesystem().privateHomes());
      list(out, "  visible in it:   ", p.filesystem().visibleInPrivateHomes());
    }
    list(out, "  deny-read:       ", p.filesystem().readDeny());
    list(out, "  read-only:       ", p.filesystem().protectedPaths());
    out.println("  private tmp:     " + (p.filesystem().privateTmp() ? "yes" : "no"));
    out.println("network:");
    out.println(
        "  mode:            "
            + p.network().mode().name().toLowerCase(java.util.Locale.ROOT)
            + (p.network().mode() == NetworkMode.ALLOW ? " " + p.network().rules() : ""));
    if (p.network().mode() == NetworkMode.ALLOW) {
      out.println(
          "  deny:            " + (p.network().deny().isEmpty() ? "(none)" : p.network().deny()));
      out.println(
          "  enforced by:     the command's own network namespace (loopback only, no unix or"
              + " vsock sockets); a filtering proxy outside the sandbox, reached at"
              + " 127.0.0.1:3128 inside (the next free port when 3128 is a listed service) through"
              + " the launcher's relay, judges every destination"
              + " (names resolved by the proxy; loopback, link-local, private and this host's"
              + " addresses refused unless listed as such; ports 80 and 443 when none is"
              + " given; deny entries win) and records it; proxy variables are set for"
              + " curl, git, npm, pip, cargo and the JVM; allowed loopback host:port entries"
              + " are relayed to the same port inside");
    }
    if (!p.network().publish().isEmpty()) {
      out.println(
          "  publish:         "
              + p.network().publish()
              + " (the launcher listens on the host's 127.0.0.1 at each port and relays to"
              + " 127.0.0.1 inside; no outbound path)");
    }
    out.println("process:");
    out.println(
        "  environment:     "
            + String.join(
                " ", p.process().environmentFrom(env).keySet().stream().sorted().toList()));
    out.println("resources:");
    var r = p.resources();
    out.println(
        "  memory:          "
            + (r.memoryBytes().isPresent() ? r.memoryBytes().getAsLong() + " bytes" : "unlimited"));
    out.println("  cpu-time:        " + r.cpuTime().map(Object::toString).orElse("unlimited"));
    out.println("  timeout:         " + r.timeout().map(Object::toString).orElse("none"));
    out.println(
        "  max-procs:       "
            + (r.maxProcesses().isPresent() ? r.maxProcesses().getAsInt() : "unlimited"));
    out.println(
        "  max-file-size:   "
            + (r.maxFileSizeBytes().isPresent()
                ? r.maxFileSizeBytes().getAsLong() + " bytes"
                : "unlimited"));
    out.println(
        "  max-open-files:  "
            + (r.maxOpenFiles().isPresent() ? r.maxOpenFiles().getAsInt() : "unlimited"));
  }

  private static void list(PrintWriter out, String label, List<Path> paths) {
    if (paths.isEmpty()) {
      out.println(label + "(none)");
      return;
    }
    out.println(label + paths.get(0));
    String pad = " ".repeat(label.length());
    for (int i = 1; i < paths.size(); i++) {
      out.println(pad + paths.get(i));
    }
  }
}
