package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * The one table of policy settings. Each entry names its policy-file key and its command-line flag,
 * parses and checks a value (once, in {@link Values}, whichever way the value came), and says how
 * it is applied to a {@link io.sandbox4j.api.SandboxPolicy}. The policy-file reader knows its keys
 * from this table and the CLI builds its flags from it, so an error names the flag when the value
 * came from a flag and the key (with its line) when it came from a file.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Setting {
  WORKSPACE(
      "filesystem.workspace",
      "--workspace",
      "DIR",
      "Writable root and working directory (default: current directory).",
      "an existing directory",
      Form.STRING,
      Merge.REPLACE,
      Values::path,
      (r, v, what) -> r.workspace((Path) v, what)),
  ALLOW_READ(
      "filesystem.allow-read",
      "--allow-read",
      "PATH",
      "Read allow-list entry (repeatable; when given, reads are limited to these plus what"
          + " programs need to run).",
      "a path",
      Form.STRINGS,
      Merge.ADD,
      Values::path,
      (r, v, what) -> r.allowRead((Path) v, what)),
  DENY_READ(
      "filesystem.deny-read",
      "--deny-read",
      "PATH",
      "Path whose contents must not be readable (repeatable).",
      "a path",
      Form.STRINGS,
      Merge.ADD,
      Values::path,
      (r, v, what) -> r.policy().denyRead(r.real((Path) v, what))),
  ALLOW_WRITE(
      "filesystem.allow-write",
      "--allow-write",
      "PATH",
      "Extra writable path (repeatable).",
      "an existing path, not reached through a link out of the workspace",
      Form.STRINGS,
      Merge.ADD,
      Values::path,
      (r, v, what) -> r.allowWrite((Path) v, what)),
  ALLOW_SYSTEM_WRITE(
      "filesystem.allow-system-write",
      "--allow-system-write",
      "PATH",
      "Opt in to a system directory (/, /etc, /usr, /boot, /var, /run, the account's home as a"
          + " whole...) being the workspace or an --allow-write root (repeatable); /proc, /sys and"
          + " /dev never are.",
      "a path that is also the workspace or an allow-write root",
      Form.STRINGS,
      Merge.ADD,
      Values::path,
      (r, v, what) -> r.allowSystemWrite((Path) v, what)),
  DENY_WRITE(
      "filesystem.deny-write",
      "--deny-write",
      "PATH",
      "Path that stays read-only inside writable roots (repeatable).",
      "a path",
      Form.STRINGS,
      Merge.ADD,
      Values::path,
      (r, v, what) -> r.policy().denyWrite(r.real((Path) v, what))),
  HOME(
      "filesystem.home",
      "--home",
      "private|read",
      "The home directory (and $HOME): private (default; unreadable and unlisted except the"
          + " workspace, writable roots and --allow-read paths in it) or read (readable except the"
          + " credential-store deny-list, which holds in both modes).",
      "private or read",
      Form.STRING,
      Merge.REPLACE,
      (what, text, base) -> Values.homeMode(what, text),
      (r, v, what) -> r.policy().privateHome(v.equals("private"))),
  /** The flag for both network keys: it sets {@link #NETWORK_MODE} and {@link #NETWORK_ALLOW}. */
  NET(
      null,
      "--net",
      "none|all|allow=ENTRY[,ENTRY...]",
      "Network access (default: none); allow= entries: host, *.suffix, host:port, host:*, IP,"
          + " CIDR (ports 80 and 443 when none is given).",
      "none, all, or allow= and comma-separated entries: host, *.suffix, host:port, host:*, an"
          + " IP address or a CIDR block (no port: 80 and 443)",
      Form.NONE,
      Merge.REPLACE,
      (what, text, base) -> Values.net(what, text),
      (r, v, what) -> {
        throw new IllegalStateException("--net is stored as network.mode and network.allow");
      }),
  NETWORK_MODE(
      "network.mode",
      null,
      null,
      null,
      "none, all or allow",
      Form.STRING,
      Merge.REPLACE,
      (what, text, base) -> Values.networkMode(what, text),
      (r, v, what) -> r.networkMode((String) v)),
  NETWORK_ALLOW(
      "network.allow",
      null,
      null,
      null,
      "entries: host, *.suffix, host:port, host:*, an IP address or a CIDR block (no port: 80"
          + " and 443), with mode allow",
      Form.STRINGS,
      Merge.REPLACE,
      (what, text, base) -> Values.networkEntry(what, text, false),
      (r, v, what) -> r.networkAllow((String) v, what)),
  NETWORK_DENY(
      "network.deny",
      "--net-deny",
      "ENTRY",
      "Destination refused even when the allow-list names it (repeatable; no port: every port).",
      "entries as for network.allow (no port: every port); they win over the allow-list, with"
          + " mode allow",
      Form.STRINGS,
      Merge.ADD,
      (what, text, base) -> Values.networkEntry(what, text, true),
      (r, v, what) -> r.networkDeny((String) v, what)),
  PUBLISH(
      "network.publish",
      "--publish",
      "PORT",
      "Make a server the command starts on 127.0.0.1:PORT inside reachable from the host's"
          + " 127.0.0.1:PORT (repeatable; with --net none or allow=).",
      "ports from 1 to 65535, with mode none or allow",
      Form.WHOLES,
      Merge.ADD,
      (what, text, base) -> Values.count(what, text, 1, 65535, ""),
      (r, v, what) -> r.publish((Integer) v, what)),
  ENV(
      "process.env",
      "--env",
      "NAME[=VALUE]",
      "Pass (or set) one environment variable (repeatable).",
      "NAME or NAME=VALUE, NAME of the form [A-Za-z_][A-Za-z0-9_]*",
      Form.STRINGS,
      Merge.ADD,
      (what, text, base) -> Values.envEntry(what, text),
      (r, v, what) -> r.env((String) v)),
  MEMORY(
      "resources.memory",
      "--memory",
      "SIZE",
      "Memory limit, e.g. 256m, 2g.",
      Values.SIZES,
      Form.AMOUNT,
      Merge.REPLACE,
      (what, text, base) -> Values.size(what, text),
      (r, v, what) -> r.limits(l -> l.withMemoryBytes((Long) v))),
  CPU_TIME(
      "resources.cpu-time",
      "--cpu-time",
      "DURATION",
      "CPU time limit, e.g. 2s, 5m.",
      Values.DURATIONS,
      Form.AMOUNT,
      Merge.REPLACE,
      (what, text, base) -> Values.duration(what, text),
      (r, v, what) -> r.limits(l -> l.withCpuTime((Duration) v))),
  TIMEOUT(
      "resources.timeout",
      "--timeout",
      "DURATION",
      "Wall-clock limit; on expiry the whole process tree is killed (exit 124).",
      Values.DURATIONS,
      Form.AMOUNT,
      Merge.REPLACE,
      (what, text, base) -> Values.duration(what, text),
      (r, v, what) -> r.limits(l -> l.withTimeout((Duration) v))),
  MAX_PROCS(
      "resources.max-procs",
      "--max-procs",
      "N",
      "Processes the sandbox may have at once.",
      "a whole number from 1 to 4194304 (the kernel's largest pid_max)",
      Form.WHOLE,
      Merge.REPLACE,
      (what, text, base) -> Values.count(what, text, 1, Values.MAX_PIDS, ""),
      (r, v, what) -> r.limits(l -> l.withMaxProcesses((Integer) v))),
  MAX_FILE_SIZE(
      "resources.max-file-size",
      "--max-file-size",
      "SIZE",
      "Largest file the sandbox may write.",
      Values.SIZES,
      Form.AMOUNT,
      Merge.REPLACE,
      (what, text, base) -> Values.size(what, text),
      (r, v, what) -> r.limits(l -> l.withMaxFileSizeBytes((Long) v))),
  MAX_OPEN_FILES(
      "resources.max-open-files",
      "--max-open-files",
      "N",
      "Open files per process.",
      "a whole number from 16 to 1048576 (Linux's default fs.nr_open)",
      Form.WHOLE,
      Merge.REPLACE,
      (what, text, base) ->
          Values.count(
              what,
              text,
              16,
              Values.MAX_NOFILE,
              " (stdin, stdout, stderr and what the launcher needs to set the sandbox up)"),
      (r, v, what) -> r.limits(l -> l.withMaxOpenFiles((Integer) v))),
  PROFILES(
      "profiles",
      "--profile",
      "NAME",
      "Toolchain profile (repeatable): java, node, python, rust, go, or auto (chosen from the"
          + " workspace's files); grants caches, toolchains, variables and configured registries.",
      "java, node, python, rust, go or auto (see the profiles table)",
      Form.STRINGS,
      Merge.ADD,
      (what, text, base) -> Values.profile(what, text),
      (r, v, what) -> r.profile((String) v, what)),
  PROFILE_CACHE(
      "profile-cache",
      "--profile-cache",
      "overlay|shared",
      "The profiles' writable caches: overlay (default; copy-on-write, the sandbox's writes land in"
          + " a layer of its own under $XDG_CACHE_HOME/sandbox4j/caches and never reach the host's"
          + " cache) or shared (the host's cache itself is writable: what the command writes there,"
          + " host tools may later run).",
      "overlay or shared",
      Form.STRING,
      Merge.REPLACE,
      (what, text, base) -> Values.profileCache(what, text),
      (r, v, what) -> r.profileCache((String) v)),
  BACKENDS(
      "backends.use",
      "--backend",
      "ID",
      "Choose backends explicitly (repeatable); default: automatic.",
      "backend ids (./sandbox backends lists them); none: automatic",
      Form.STRINGS,
      Merge.REPLACE,
      (what, text, base) -> text,
      (r, v, what) -> {});

  /** How a value is written in a policy file. */
  enum Form {
    /** A string. */
    STRING,
    /** A list of strings; on the command line, a repeatable flag. */
    STRINGS,
    /** A size or duration: a string such as "2g" or "30s", or a whole number (bytes, seconds). */
    AMOUNT,
    /** A whole number. */
    WHOLE,
    /** A list of whole numbers; on the command line, a repeatable flag. */
    WHOLES,
    /** Not in files (a flag only). */
    NONE
  }

  /** What flags do to a policy file's value. */
  enum Merge {
    /**
     * The flag's value replaces the file's (a repeatable flag: all its values replace the list).
     */
    REPLACE,
    /** The flag's values are added to the file's list. */
    ADD
  }

  /** Parses and checks one value; errors start with {@code what}, the flag or the key. */
  @FunctionalInterface
  interface Parser {
    Object parse(String what, String text, Path baseDir);
  }

  /** Applies one parsed value to the policy being resolved. */
  @FunctionalInterface
  interface Applier {
    void apply(Resolution resolution, Object value, String what);
  }

  private final String key;
  private final String flag;
  private final String paramLabel;
  private final String description;
  private final String range;
  private final Form form;
  private final Merge merge;
  private final Parser parser;
  private final Applier applier;

  Setting(
      String key,
      String flag,
      String paramLabel,
      String description,
      String range,
      Form form,
      Merge merge,
      Parser parser,
      Applier applier) {
    this.key = key;
    this.flag = flag;
    this.paramLabel = paramLabel;
    this.description = description;
    this.range = range;
    this.form = form;
    this.merge = merge;
    this.parser = parser;
    this.applier = applier;
  }

  /**
   * The policy-file key, {@code section.key} (e.g. {@code resources.memory}); empty for a flag
   * only.
   */
  public Optional<String> key() {
    return Optional.ofNullable(key);
  }

  /** The command-line flag (e.g. {@code --memory}); empty for a policy-file key only. */
  public Optional<String> flag() {
    return Optional.ofNullable(flag);
  }

  /** The flag's value in help texts, e.g. {@code SIZE}; empty without a flag. */
  public Optional<String> paramLabel() {
    return Optional.ofNullable(paramLabel);
  }

  /** The flag's help text; empty without a flag. */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /** The values accepted, in words (the module README lists them). */
  public String range() {
    return range;
  }

  /** Whether the flag may be given several times (a list in a policy file). */
  public boolean repeatable() {
    return form == Form.STRINGS || form == Form.WHOLES;
  }

  /** The name errors use: the flag, or the key for a setting without one. */
  String label() {
    return flag != null ? flag : key;
  }

  Form form() {
    return form;
  }

  Merge merge() {
    return merge;
  }

  Object parse(String what, String text, Path baseDir) {
    return parser.parse(what, text, baseDir);
  }

  void apply(Resolution resolution, Object value, String what) {
    applier.apply(resolution, value, what);
  }

  /** The setting with this policy-file key, if any. */
  static Optional<Setting> forKey(String sectionDotKey) {
    return Arrays.stream(values()).filter(s -> sectionDotKey.equals(s.key)).findFirst();
  }

  /** The keys of one section of a policy file, sorted; empty for an unknown section. */
  static List<String> keysOf(String section) {
    return Arrays.stream(values())
        .map(s -> s.key)
        .filter(k -> k != null && k.startsWith(section + "."))
        .map(k -> k.substring(section.length() + 1))
        .sorted()
        .toList();
  }

  /** The sections of a policy file, sorted. */
  static List<String> sections() {
    return Arrays.stream(values())
        .map(s -> s.key)
        .filter(k -> k != null && k.contains("."))
        .map(k -> k.substring(0, k.indexOf('.')))
        .distinct()
        .sorted()
        .toList();
  }
}
