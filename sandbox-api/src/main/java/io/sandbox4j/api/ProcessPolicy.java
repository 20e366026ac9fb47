package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What the command's process sees of its surroundings.
 *
 * @param envPass names of variables passed through from the caller's environment when set there
 * @param envSet variables set to fixed values (they win over passed-through ones)
 * @param workingDirectory where the command starts; the workspace when empty
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record ProcessPolicy(
    List<String> envPass, Map<String, String> envSet, Optional<Path> workingDirectory) {

  /** The variables passed through by default: enough for programs to run, no secrets. */
  public static final List<String> DEFAULT_ENV_PASS =
      List.of(
          "PATH",
          "LANG",
          "LC_ALL",
          "LC_CTYPE",
          "TERM",
          "HOME",
          "TMPDIR",
          "USER",
          "LOGNAME",
          "SHELL",
          "TZ");

  public ProcessPolicy {
    envPass = List.copyOf(envPass);
    envSet = Map.copyOf(envSet);
    for (String name : envPass) {
      checkName(name);
    }
    for (String name : envSet.keySet()) {
      checkName(name);
    }
    workingDirectory =
        workingDirectory.map(p -> FilesystemPolicy.Paths.absolute("working directory", p));
  }

  private static void checkName(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw SandboxException.invalid(
          "environment variable name '" + name + "' is not of the form [A-Za-z_][A-Za-z0-9_]*");
    }
  }

  /** The default: {@link #DEFAULT_ENV_PASS}, nothing set, start in the workspace. */
  public static ProcessPolicy defaults() {
    return new ProcessPolicy(DEFAULT_ENV_PASS, Map.of(), Optional.empty());
  }

  /**
   * The environment the command gets, given the caller's. Everything not allow-listed is dropped.
   */
  public Map<String, String> environmentFrom(Map<String, String> callerEnvironment) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : envPass) {
      String value = callerEnvironment.get(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(envSet);
    return env;
  }
}
