package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A policy as written by a user, in a policy file or in flags. Every value is parsed and checked
 * when it is set, through the {@link Setting} table, so an error names the flag or the key (with
 * its line) it came from. Scalar flags replace the file's value; repeatable flags add to the file's
 * lists ({@code --backend} replaces them). {@link #resolve} turns the settings into a {@link
 * SandboxPolicy}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class PolicySettings {
  /** A checked value and where it came from (the flag, or the key with its line). */
  private record Value(Object value, String what) {}

  /** Where relative paths of these settings are resolved against (file dir, or the cwd). */
  private final Path baseDir;

  private final Map<Setting, List<Value>> values = new EnumMap<>(Setting.class);

  /** The policy file itself, protected from writes when it lies inside a writable root. */
  private Path policyFile;

  /** What the last {@link #resolve} granted through toolchain profiles, for {@code explain}. */
  private List<String> profileReport = List.of();

  /** Empty settings; relative paths set later are resolved against {@code baseDir}. */
  public PolicySettings(Path baseDir) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
  }

  /** Reads a policy file (.toml, .yaml, .yml, .json) strictly; see {@link PolicyFileReader}. */
  public static PolicySettings load(Path file) {
    return read(file.toAbsolutePath().normalize(), file);
  }

  /**
   * As {@link #load(Path)}, a relative {@code file} taken from {@code workingDirectory} (the
   * caller's, when it is not this process's own: the CLI's warm engine); messages name it as given.
   */
  public static PolicySettings load(Path file, Path workingDirectory) {
    return read(workingDirectory.resolve(file).toAbsolutePath().normalize(), file);
  }

  private static PolicySettings read(Path abs, Path file) {
    String text = PolicyFileReader.text(abs, file);
    Path dir = abs.getParent() == null ? abs : abs.getParent();
    PolicySettings s = new PolicySettings(dir);
    s.policyFile = abs;
    new PolicyFileReader(abs, text).readInto(s);
    return s;
  }

  /**
   * Sets one value as a flag gives it (a repeatable setting adds it to its list). It is checked
   * now; an error names the setting's flag (its key when it has no flag).
   *
   * @throws SandboxException (exit 2) naming the flag and the value
   */
  public PolicySettings set(Setting setting, String value) {
    return set(setting, value, setting.label());
  }

  /** Sets one value that came from {@code what} (a flag, or a policy-file key with its line). */
  PolicySettings set(Setting setting, String text, String what) {
    Object v = setting.parse(what, text, baseDir);
    if (v instanceof Values.Net net) {
      values.put(Setting.NETWORK_MODE, new ArrayList<>(List.of(new Value(net.mode(), what))));
      List<Value> allow = new ArrayList<>();
      net.allow().forEach(h -> allow.add(new Value(h, what)));
      values.put(Setting.NETWORK_ALLOW, allow);
    } else if (setting.repeatable()) {
      values.computeIfAbsent(setting, k -> new ArrayList<>()).add(new Value(v, what));
    } else {
      values.put(setting, new ArrayList<>(List.of(new Value(v, what))));
    }
    return this;
  }

  /** The backend ids chosen; empty for automatic. */
  public List<String> backends() {
    return values.getOrDefault(Setting.BACKENDS, List.of()).stream()
        .map(v -> (String) v.value())
        .toList();
  }

  /** Applies {@code flags} on top of these settings (scalars replace, lists add). */
  public PolicySettings overrideWith(PolicySettings flags) {
    if (!values.containsKey(Setting.WORKSPACE) && !flags.values.containsKey(Setting.WORKSPACE)) {
      // A policy file without a workspace key means the current directory, as for flags alone.
      values.put(Setting.WORKSPACE, List.of(new Value(flags.baseDir, "workspace")));
    }
    flags.values.forEach(
        (setting, given) -> {
          if (setting.merge() == Setting.Merge.ADD) {
            values.computeIfAbsent(setting, k -> new ArrayList<>()).addAll(given);
          } else {
            values.put(setting, new ArrayList<>(given));
          }
        });
    return this;
  }

  /**
   * Resolves these settings into a policy. {@code ~} is the caller's {@code HOME}; relative paths
   * are resolved against the policy file's directory (or the current directory for flags).
   *
   * @throws SandboxException (exit 2) naming the offending flag or key and the value
   */
  public SandboxPolicy resolve(Map<String, String> callerEnvironment) {
    return resolve(callerEnvironment, ToolProbe.system(callerEnvironment));
  }

  /**
   * As {@link #resolve(Map)}, with the tools that profiles ask for their settings run in {@code
   * workingDirectory} (the caller's, when it is not this process's own: the CLI's warm engine).
   */
  public SandboxPolicy resolve(Map<String, String> callerEnvironment, Path workingDirectory) {
    return resolve(callerEnvironment, ToolProbe.system(callerEnvironment, workingDirectory));
  }

  /**
   * The toolchain profiles of the last {@link #resolve}: each profile chosen and why, then each of
   * its grants with its source (a variable, a configuration file, the tool's default).
   */
  public List<String> profileReport() {
    return profileReport;
  }

  SandboxPolicy resolve(Map<String, String> callerEnvironment, ToolProbe probe) {
    Resolution r = new Resolution(baseDir, callerEnvironment, probe);
    if (!values.containsKey(Setting.WORKSPACE)) {
      Setting.WORKSPACE.apply(r, baseDir, "workspace");
    }
    // In table order: the workspace first, the policy is built on it.
    values.forEach((setting, given) -> given.forEach(v -> setting.apply(r, v.value(), v.what())));
    SandboxPolicy policy = r.build(policyFile);
    profileReport = r.profileReport();
    return policy;
  }
}
