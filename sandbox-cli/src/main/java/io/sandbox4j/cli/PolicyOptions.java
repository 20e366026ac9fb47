package io.sandbox4j.cli;

import io.sandbox4j.config.PolicySettings;
import io.sandbox4j.config.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The policy flags shared by {@code run} and {@code explain}. */
final class PolicyOptions {
  @Option(
      names = "--workspace",
      paramLabel = "DIR",
      description = "Writable root and working directory (default: current directory).")
  String workspace;

  @Option(
      names = "--allow-write",
      paramLabel = "PATH",
      description = "Extra writable path (repeatable).")
  List<String> allowWrite = new ArrayList<>();

  @Option(
      names = "--allow-read",
      paramLabel = "PATH",
      description =
          "Read allow-list entry (repeatable; when given, reads are limited to these plus what"
              + " programs need to run).")
  List<String> allowRead = new ArrayList<>();

  @Option(
      names = "--deny-read",
      paramLabel = "PATH",
      description = "Path whose contents must not be readable (repeatable).")
  List<String> denyRead = new ArrayList<>();

  @Option(
      names = "--deny-write",
      paramLabel = "PATH",
      description = "Path that stays read-only inside writable roots (repeatable).")
  List<String> denyWrite = new ArrayList<>();

  @Option(
      names = "--net",
      paramLabel = "none|all|allow=HOST[:PORT][,HOST[:PORT]...]",
      description = "Network access (default: none).")
  String net;

  @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 256m, 2g.")
  String memory;

  @Option(
      names = "--cpu-time",
      paramLabel = "DURATION",
      description = "CPU time limit, e.g. 2s, 5m.")
  String cpuTime;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      description = "Wall-clock limit; on expiry the whole process tree is killed (exit 124).")
  String timeout;

  @Option(
      names = "--max-procs",
      paramLabel = "N",
      description = "Processes the sandbox may have at once.")
  Integer maxProcs;

  @Option(
      names = "--max-file-size",
      paramLabel = "SIZE",
      description = "Largest file the sandbox may write.")
  String maxFileSize;

  @Option(names = "--max-open-files", paramLabel = "N", description = "Open files per process.")
  Integer maxOpenFiles;

  @Option(
      names = "--env",
      paramLabel = "NAME[=VALUE]",
      description = "Pass (or set) one environment variable (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy file (.toml, .yaml/.yml, .json); flags override it.")
  Path policy;

  @Option(
      names = "--backend",
      paramLabel = "ID",
      description = "Choose backends explicitly (repeatable); default: automatic.")
  List<String> backends = new ArrayList<>();

  /** The policy file's settings (if any) with these flags on top. */
  PolicySettings settings(Path cwd) {
    PolicySettings base = policy != null ? PolicySettings.load(policy) : new PolicySettings(cwd);
    PolicySettings flags = new PolicySettings(cwd);
    if (workspace != null) {
      flags.workspace(workspace);
    }
    allowWrite.forEach(flags::addAllowWrite);
    allowRead.forEach(flags::addAllowRead);
    denyRead.forEach(flags::addDenyRead);
    denyWrite.forEach(flags::addDenyWrite);
    if (net != null) {
      flags.net(net);
    }
    env.forEach(flags::addEnv);
    // Values are checked here so that a message names the flag, not the policy key.
    if (memory != null) {
      Values.size("--memory", memory);
      flags.memory(memory);
    }
    if (cpuTime != null) {
      Values.duration("--cpu-time", cpuTime);
      flags.cpuTime(cpuTime);
    }
    if (timeout != null) {
      Values.duration("--timeout", timeout);
      flags.timeout(timeout);
    }
    if (maxProcs != null) {
      flags.maxProcs(maxProcs);
    }
    if (maxFileSize != null) {
      Values.size("--max-file-size", maxFileSize);
      flags.maxFileSize(maxFileSize);
    }
    if (maxOpenFiles != null) {
      flags.maxOpenFiles(maxOpenFiles);
    }
    backends.forEach(flags::addBackend);
    return base.overrideWith(flags);
  }
}
