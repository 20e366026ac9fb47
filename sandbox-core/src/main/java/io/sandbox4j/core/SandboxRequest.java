package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.lang.ProcessBuilder.Redirect;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One command to run under a policy.
 *
 * @param policy what the command may do
 * @param command the command and its arguments
 * @param backends backend ids to use; empty for the automatic choice
 * @param callerEnvironment the environment the allow-list picks from (usually {@code
 *     System.getenv()})
 * @param stdin where standard input comes from
 * @param stdout where standard output goes
 * @param stderr where standard error goes
 * @param waived features the policy requires that the caller explicitly accepts not enforcing (for
 *     example a conformance test exercising one backend alone); empty by default, never implied
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SandboxRequest(
    SandboxPolicy policy,
    List<String> command,
    List<String> backends,
    Map<String, String> callerEnvironment,
    Redirect stdin,
    Redirect stdout,
    Redirect stderr,
    Set<Feature> waived) {

  public SandboxRequest {
    waived = Set.copyOf(waived);
    command = List.copyOf(command);
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw SandboxException.invalid("no command given");
    }
    backends = List.copyOf(backends);
    callerEnvironment = Map.copyOf(callerEnvironment);
  }

  /** Automatic backends, the process's environment, all three streams piped. */
  public static SandboxRequest of(SandboxPolicy policy, List<String> command) {
    return new SandboxRequest(
        policy,
        command,
        List.of(),
        System.getenv(),
        Redirect.PIPE,
        Redirect.PIPE,
        Redirect.PIPE,
        Set.of());
  }

  public SandboxRequest withBackends(List<String> ids) {
    return new SandboxRequest(
        policy, command, ids, callerEnvironment, stdin, stdout, stderr, waived);
  }

  public SandboxRequest withCallerEnvironment(Map<String, String> env) {
    return new SandboxRequest(policy, command, backends, env, stdin, stdout, stderr, waived);
  }

  public SandboxRequest withRedirects(Redirect in, Redirect out, Redirect err) {
    return new SandboxRequest(policy, command, backends, callerEnvironment, in, out, err, waived);
  }

  /**
   * Accepts that these required features go unenforced. Use with care: the engine then runs the
   * command with less protection than the policy describes, as the caller asked.
   */
  public SandboxRequest withWaived(Set<Feature> features) {
    return new SandboxRequest(
        policy, command, backends, callerEnvironment, stdin, stdout, stderr, features);
  }

  /** All three streams inherited from the calling process (what the CLI does). */
  public SandboxRequest inheritIo() {
    return withRedirects(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT);
  }
}
