package io.sandbox4j.cli;

import io.sandbox4j.api.HostPort;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.PolicyCheck;
import io.sandbox4j.core.PolicyVerdict;
import io.sandbox4j.proxy.HostResolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sandbox why [options] PATH|HOST[:PORT]}: what the policy says about one access. */
@Command(
    name = "why",
    description = {
      "Says whether the policy (the same flags and policy files as run) allows reading or writing",
      "PATH, or connecting to HOST[:PORT], which rule decides, and the flag or policy-file line that",
      "would allow it. Nothing runs. A target with a '/', or starting with '.' or '~', or with",
      "--read/--write, is a path (both accesses when neither is given); anything else is a host",
      "(port 443 when none is given). Exit code: 0 allowed, 1 denied, 2 for bad input."
    })
final class WhyCommand extends PolicyCommand {
  static final int DEFAULT_PORT = 443;

  WhyCommand(CliContext context) {
    super(context);
  }

  @Parameters(index = "0", paramLabel = "PATH|HOST[:PORT]", description = "What to ask about.")
  String target;

  @Option(names = "--read", description = "Ask about reading PATH.")
  boolean read;

  @Option(names = "--write", description = "Ask about writing PATH (create, change, delete).")
  boolean write;

  @Override
  public Integer call() {
    SandboxPolicy policy = settings().resolve(context().environment());
    List<PolicyVerdict> verdicts = new ArrayList<>();
    if (read || write || isPath(target)) {
      Path p = context().workingDirectory().resolve(expandHome(target)).normalize();
      if (read || !write) {
        verdicts.add(PolicyCheck.read(policy, p));
      }
      if (write || !read) {
        verdicts.add(PolicyCheck.write(policy, p));
      }
    } else {
      HostPort hp = HostPort.parse(target);
      verdicts.add(
          PolicyCheck.connect(
              policy, hp.host(), hp.port().orElse(DEFAULT_PORT), HostResolver.system()));
    }
    PrintWriter out = spec.commandLine().getOut();
    verdicts.forEach(v -> out.println(v.line()));
    out.flush();
    return verdicts.stream().allMatch(PolicyVerdict::allowed) ? 0 : 1;
  }

  static boolean isPath(String t) {
    return t.indexOf('/') >= 0 || t.startsWith(".") || t.startsWith("~");
  }

  private String expandHome(String t) {
    String home = context().environment().get("HOME");
    if (home != null && (t.equals("~") || t.startsWith("~/"))) {
      return home + t.substring(1);
    }
    return t;
  }
}
