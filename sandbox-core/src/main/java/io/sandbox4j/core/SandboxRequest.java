package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.INTERNAL;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.ProcessStarter;
import io.sandbox4j.api.spi.Redirects;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One command to run under a policy: what to run, with which backends, from which caller
 * environment, and where its standard streams go. Immutable; build one with {@link #of} and the
 * {@code with...} methods, or with {@link #builder}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SandboxRequest {
  private final SandboxPolicy policy;
  private final List<String> command;
  private final List<String> backends;
  private final Map<String, String> callerEnvironment;
  private final Redirects redirects;
  private final Set<Feature> waived;
  private final ProcessStarter starter;

  private SandboxRequest(Builder b) {
    this.policy = Objects.requireNonNull(b.policy, "policy");
    this.command = List.copyOf(b.command);
    if (command.isEmpty() || command.get(0).isEmpty()) {
      throw SandboxException.invalid("no command given");
    }
    this.backends = List.copyOf(b.backends);
    this.callerEnvironment = Map.copyOf(b.callerEnvironment);
    this.redirects = Objects.requireNonNull(b.redirects, "redirects");
    this.waived = Set.copyOf(b.waived);
    this.starter = Objects.requireNonNull(b.starter, "starter");
  }

  /** Automatic backends, the process's environment, all three streams piped. */
  public static SandboxRequest of(SandboxPolicy policy, List<String> command) {
    return builder(policy, command).build();
  }

  /** A builder with the defaults of {@link #of}. */
  public static Builder builder(SandboxPolicy policy, List<String> command) {
    return new Builder(policy, command);
  }

  /** A builder holding this request's values. */
  public Builder toBuilder() {
    return new Builder(policy, command)
        .backends(backends)
        .callerEnvironment(callerEnvironment)
        .redirects(redirects)
        .waived(waived)
        .processStarter(starter);
  }

  /** What the command may do. */
  public SandboxPolicy policy() {
    return policy;
  }

  /** The command and its arguments. */
  public List<String> command() {
    return command;
  }

  /** Backend ids to use; empty for the automatic choice. */
  public List<String> backends() {
    return backends;
  }

  /** The environment the allow-list picks from (usually {@code System.getenv()}). */
  public Map<String, String> callerEnvironment() {
    return callerEnvironment;
  }

  /** Where the command's standard streams go. */
  public Redirects redirects() {
    return redirects;
  }

  /**
   * Features the policy requires that the caller explicitly accepts not enforcing; empty unless
   * {@link #withWaived} was called.
   */
  @API(status = INTERNAL, since = "0.1")
  public Set<Feature> waived() {
    return waived;
  }

  /**
   * How the launcher starts its process: {@link ProcessStarter#LOCAL} (the default) or, for the
   * CLI's warm engine, a starter that has the engine's client start it.
   */
  @API(status = INTERNAL, since = "0.2")
  public ProcessStarter processStarter() {
    return starter;
  }

  @API(status = INTERNAL, since = "0.2")
  public SandboxRequest withProcessStarter(ProcessStarter processStarter) {
    return toBuilder().processStarter(processStarter).build();
  }

  public SandboxRequest withCommand(List<String> newCommand) {
    return toBuilder().command(newCommand).build();
  }

  public SandboxRequest withBackends(List<String> ids) {
    return toBuilder().backends(ids).build();
  }

  public SandboxRequest withCallerEnvironment(Map<String, String> env) {
    return toBuilder().callerEnvironment(env).build();
  }

  public SandboxRequest withRedirects(Redirects newRedirects) {
    return toBuilder().redirects(newRedirects).build();
  }

  /** All three streams inherited from the calling process (what the CLI does). */
  public SandboxRequest inheritIo() {
    return withRedirects(Redirects.INHERIT);
  }

  /**
   * Accepts that these required features go unenforced: the engine then runs the command with less
   * protection than the policy describes. A hook for the conformance testkit and the benchmarks,
   * which judge one backend alone; not for applications.
   */
  @API(status = INTERNAL, since = "0.1")
  public SandboxRequest withWaived(Set<Feature> features) {
    return toBuilder().waived(features).build();
  }

  @Override
  public String toString() {
    return "SandboxRequest" + command + (backends.isEmpty() ? "" : " with " + backends);
  }

  /** Builds a {@link SandboxRequest}; not thread-safe. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final SandboxPolicy policy;
    private List<String> command;
    private List<String> backends = List.of();
    private Map<String, String> callerEnvironment = System.getenv();
    private Redirects redirects = Redirects.PIPE;
    private Set<Feature> waived = Set.of();
    private ProcessStarter starter = ProcessStarter.LOCAL;

    private Builder(SandboxPolicy policy, List<String> command) {
      this.policy = policy;
      this.command = command;
    }

    public Builder command(List<String> command) {
      this.command = command;
      return this;
    }

    public Builder backends(List<String> ids) {
      this.backends = ids;
      return this;
    }

    public Builder callerEnvironment(Map<String, String> env) {
      this.callerEnvironment = env;
      return this;
    }

    public Builder redirects(Redirects redirects) {
      this.redirects = redirects;
      return this;
    }

    @API(status = INTERNAL, since = "0.1")
    public Builder waived(Set<Feature> features) {
      this.waived = features;
      return this;
    }

    @API(status = INTERNAL, since = "0.2")
    public Builder processStarter(ProcessStarter processStarter) {
      this.starter = processStarter;
      return this;
    }

    public SandboxRequest build() {
      return new SandboxRequest(this);
    }
  }
}
