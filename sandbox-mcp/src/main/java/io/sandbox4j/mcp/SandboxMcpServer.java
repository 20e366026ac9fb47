package io.sandbox4j.mcp;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.SandboxRequest;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Model Context Protocol server (stdio transport, the official Java SDK) with three tools: {@code
 * run_command}, {@code explain_policy} and {@code list_backends}. The session policy is fixed when
 * the server is built; a call may only narrow it (a shorter timeout, fewer writable paths, less
 * network, a working directory inside the workspace, values for variables the policy passes), and a
 * call that asks for more gets a refused result naming what it asked for.
 *
 * <pre>{@code
 * SandboxMcpServer.builder(Sandbox.create(), SandboxPolicy.defaults(workspace))
 *     .build()
 *     .serve(System.in, protocolOut); // returns when the client closes its end
 * }</pre>
 *
 * <p>At most {@link Builder#maxConcurrentRuns} commands run at once (default {@value
 * #DEFAULT_MAX_CONCURRENT_RUNS}); further calls wait for a slot, up to twice that many calls at
 * once: one more gets a busy error (-32000). A line of input holds at most {@value
 * StdioLines#MAX_LINE_CHARS} characters. Standard output and error of a run are each capped at
 * {@link Builder#outputCapBytes} (default {@value #DEFAULT_OUTPUT_CAP_BYTES} bytes): the result
 * keeps the first bytes and says how many there were.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class SandboxMcpServer {
  public static final int DEFAULT_MAX_CONCURRENT_RUNS = 4;
  public static final int DEFAULT_OUTPUT_CAP_BYTES = 64 * 1024;

  private static final System.Logger LOG = System.getLogger(SandboxMcpServer.class.getName());

  private final Sandbox sandbox;
  private final SandboxPolicy policy;
  private final List<String> backends;
  private final Map<String, String> callerEnvironment;
  private final int outputCap;
  private final Duration progressEvery;
  private final Semaphore slots;
  private final int maxConcurrent;
  private final Supplier<String> explanation;
  private final Supplier<String> backendList;
  private final Map<Object, CommandRun> running = new ConcurrentHashMap<>();

  /**
   * Requests cancelled before their run was registered (the cancellation can overtake the call on
   * its way through the SDK); the most recent few, guarded by {@link #running}'s monitor.
   */
  private final Set<Object> cancelledBeforeStart =
      Collections.newSetFromMap(
          new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
              return size() > 1024;
            }
          });

  private SandboxMcpServer(Builder b) {
    this.sandbox = b.sandbox;
    this.policy = b.policy;
    this.backends = List.copyOf(b.backends);
    this.callerEnvironment = Map.copyOf(b.callerEnvironment);
    this.outputCap = b.outputCap;
    this.progressEvery = b.progressEvery;
    this.maxConcurrent = b.maxConcurrent;
    this.slots = new Semaphore(b.maxConcurrent, true);
    this.explanation = b.explanation;
    this.backendList = b.backendList;
  }

  /**
   * A builder for a server running commands in {@code sandbox} under the session {@code policy}.
   */
  public static Builder builder(Sandbox sandbox, SandboxPolicy policy) {
    return new Builder(sandbox, policy);
  }

  /**
   * Serves one client on these streams, one JSON-RPC message a line, until {@code in} ends; then
   * kills what still runs. Nothing but protocol messages is written to {@code out}.
   */
  public void serve(InputStream in, OutputStream out) throws InterruptedException {
    StdioLines lines =
        new StdioLines(
            in,
            out,
            id -> {
              CommandRun r;
              synchronized (running) {
                r = running.get(StdioLines.key(id));
                if (r == null) {
                  cancelledBeforeStart.add(StdioLines.key(id));
                }
              }
              if (r != null) {
                LOG.log(System.Logger.Level.INFO, "cancelling the run of request " + id);
                r.cancel();
              }
            },
            StdioLines.MAX_LINE_CHARS,
            maxCallsInFlight());
    McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(mapper, lines.input(), lines.output());
    McpSyncServer server =
        McpServer.sync(transport)
            .jsonMapper(mapper)
            .serverInfo("sandbox4j", version())
            .instructions(
                "Runs commands in an operating-system sandbox. Call explain_policy to learn what"
                    + " is allowed; run_command may narrow that policy, never widen it.")
            .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
            .validateToolInputs(false) // wrong types are protocol errors, checked by the tools
            .tools(runCommand(), explainPolicy(), listBackends())
            .build();
    try {
      lines.awaitEnd();
    } finally {
      running.values().forEach(CommandRun::cancel);
      server.close();
    }
  }

  /** Tool calls running or waiting for a slot at once; a further call gets a busy error. */
  private int maxCallsInFlight() {
    return 2 * maxConcurrent;
  }

  private SyncToolSpecification runCommand() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put(
        "command",
        Map.of(
            "type", "array",
            "items", Map.of("type", "string"),
            "description", "The program and its arguments (no shell). Give this or shell."));
    props.put(
        "shell",
        Map.of(
            "type",
            "string",
            "description",
            "A command line run by /bin/sh -c. Give this or command."));
    props.put(
        "cwd",
        Map.of(
            "type", "string",
            "description",
                "Working directory, inside the workspace (relative to it or absolute)."));
    props.put("stdin", Map.of("type", "string", "description", "Text for standard input."));
    props.put(
        "timeout_seconds",
        Map.of(
            "type", "number",
            "description", "Wall-clock timeout; at most the session's (see explain_policy)."));
    props.put(
        "env",
        Map.of(
            "type", "object",
            "additionalProperties", Map.of("type", "string"),
            "description", "Values for variables the session policy passes (see explain_policy)."));
    props.put(
        "writable_paths",
        Map.of(
            "type",
            "array",
            "items",
            Map.of("type", "string"),
            "description",
            "Only these may be written: the workspace (required) and writable roots of the"
                + " session or paths inside them; roots not listed become read-only."));
    props.put(
        "network",
        Map.of(
            "type", "string",
            "enum", List.of("none", "allow", "all"),
            "description", "Less network than the session's: none, or allow with network_allow."));
    props.put(
        "network_allow",
        Map.of(
            "type", "array",
            "items", Map.of("type", "string"),
            "description", "A subset of the session's allow-list entries, as written there."));
    Tool tool =
        Tool.builder()
            .name("run_command")
            .title("Run a command in the sandbox")
            .description(
                "Runs a command in a fresh sandbox under the session policy, narrowed by the"
                    + " arguments (never widened: a call asking for more is refused, ended"
                    + " \"refused\"). Returns ended (exited, signal, timeout, cancelled, refused),"
                    + " exitCode, durationMillis, stdout and stderr (each capped at "
                    + outputCap
                    + " bytes; stdoutTruncated/stderrTruncated and the byte counts say when"
                    + " output was cut) and denials (network destinations the policy refused).")
            .inputSchema(new McpSchema.JsonSchema("object", props, List.of(), false, null, null))
            .build();
    return new SyncToolSpecification(tool, this::callRunCommand);
  }

  private CallToolResult callRunCommand(McpSyncServerExchange exchange, CallToolRequest request) {
    CallArguments call;
    try {
      call = CallArguments.parse(request.arguments(), policy);
    } catch (CallArguments.Widening w) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("ended", "refused");
      m.put(
          "reason",
          (w.widens
                  ? "refused: the call asks for more than the session policy allows: "
                  : "refused: the call asks for a restriction this server cannot enforce: ")
              + w.getMessage()
              + ". A call may only narrow the policy; explain_policy says what it allows.");
      return result(m, true);
    }
    Map<String, Object> meta = request.meta() == null ? Map.of() : request.meta();
    Object requestId = meta.get(StdioLines.REQUEST_ID_META);
    Object progressToken = meta.get("progressToken");
    CommandRun run = new CommandRun(outputCap);
    if (requestId != null) {
      boolean cancelled;
      synchronized (running) {
        running.put(StdioLines.key(requestId), run);
        cancelled = cancelledBeforeStart.remove(StdioLines.key(requestId));
      }
      if (cancelled) {
        run.cancel();
      }
    }
    try {
      slots.acquire();
      try {
        SandboxRequest sr =
            SandboxRequest.builder(call.policy, call.command)
                .backends(backends)
                .callerEnvironment(callerEnvironment)
                .build();
        Map<String, Object> m =
            run.run(
                sandbox,
                sr,
                call.stdin,
                progressEvery,
                p -> {
                  if (progressToken != null) {
                    try {
                      exchange.progressNotification(
                          new ProgressNotification(
                              progressToken, p.seconds(), p.total(), p.message()));
                    } catch (RuntimeException e) {
                      // the client went away: the run goes on to its end (or its cancellation)
                      LOG.log(System.Logger.Level.DEBUG, "progress not sent: " + e);
                    }
                  }
                });
        Object ended = m.get("ended");
        return result(m, !"exited".equals(ended) || !Objects.equals(m.get("exitCode"), 0));
      } finally {
        slots.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      run.cancel();
      return result(Map.of("ended", "cancelled", "reason", "the server is shutting down"), true);
    } finally {
      if (requestId != null) {
        running.remove(StdioLines.key(requestId));
      }
    }
  }

  private SyncToolSpecification explainPolicy() {
    return textTool(
        "explain_policy",
        "What the sandbox allows",
        "The session policy in words: what commands may read, write and reach, their environment"
            + " and limits, which backend enforces each rule, and what a run_command call may"
            + " change.",
        () -> explanation.get() + "\n\n" + narrowingRules());
  }

  private String narrowingRules() {
    var r = policy.resources();
    return "What a run_command call may change (it may only narrow the policy above):\n"
        + "  timeout_seconds  "
        + r.timeout()
            .map(t -> "at most " + CallArguments.seconds(t) + " s")
            .orElse("any (the session has no timeout)")
        + "\n"
        + "  writable_paths   paths inside "
        + policy.filesystem().allWritableRoots()
        + "\n"
        + "  network          none"
        + switch (policy.network().mode()) {
          case NONE -> " (the session allows no network)";
          case ALLOW -> ", or allow with entries from " + policy.network().rules();
          case ALL -> ", allow with any entries, or all";
        }
        + "\n"
        + "  env              values for "
        + policy.process().envPass()
        + "\n"
        + "  cwd              a directory inside "
        + policy.filesystem().workspace()
        + "\n"
        + "At most "
        + maxConcurrent
        + " commands run at once (and "
        + maxCallsInFlight()
        + " calls run or wait: one more gets a busy error); stdout and stderr are each capped at "
        + outputCap
        + " bytes.";
  }

  private SyncToolSpecification listBackends() {
    return textTool(
        "list_backends",
        "Sandbox backends on this host",
        "Every installed backend, its isolators, what each enforces and whether it works on this"
            + " host (and if not, why), as JSON.",
        backendList);
  }

  /** A tool without arguments that answers with a text. */
  private static SyncToolSpecification textTool(
      String name, String title, String description, Supplier<String> text) {
    Tool tool =
        Tool.builder()
            .name(name)
            .title(title)
            .description(description)
            .inputSchema(new McpSchema.JsonSchema("object", Map.of(), List.of(), false, null, null))
            .build();
    return new SyncToolSpecification(
        tool,
        (exchange, request) ->
            CallToolResult.builder().addTextContent(text.get()).isError(false).build());
  }

  private static CallToolResult result(Map<String, Object> m, boolean error) {
    String text;
    try {
      text = JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(m);
    } catch (RuntimeException e) {
      text = m.toString();
    }
    return CallToolResult.builder()
        .structuredContent(m)
        .addTextContent(text)
        .isError(error)
        .build();
  }

  private static String version() {
    String v = SandboxMcpServer.class.getPackage().getImplementationVersion();
    return v != null ? v : "0.1.0-SNAPSHOT";
  }

  /** Builds a {@link SandboxMcpServer}; not thread-safe. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final Sandbox sandbox;
    private final SandboxPolicy policy;
    private List<String> backends = List.of();
    private Map<String, String> callerEnvironment = System.getenv();
    private int outputCap = DEFAULT_OUTPUT_CAP_BYTES;
    private int maxConcurrent = DEFAULT_MAX_CONCURRENT_RUNS;
    private Duration progressEvery = Duration.ofSeconds(1);
    private Supplier<String> explanation;
    private Supplier<String> backendList;

    private Builder(Sandbox sandbox, SandboxPolicy policy) {
      this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
      this.policy = Objects.requireNonNull(policy, "policy");
      this.explanation = policy::toString;
      this.backendList =
          () ->
              String.join(
                  "\n",
                  sandbox.registry().backends().stream()
                      .map(b -> b.id() + " - " + b.description())
                      .toList());
    }

    /** Backend ids to use; empty (the default) for the automatic choice. */
    public Builder backends(List<String> ids) {
      this.backends = List.copyOf(ids);
      return this;
    }

    /** The environment the policy's allow-list picks from (default: this process's). */
    public Builder callerEnvironment(Map<String, String> env) {
      this.callerEnvironment = Map.copyOf(env);
      return this;
    }

    /** Bytes of stdout and of stderr a result keeps, each. */
    public Builder outputCapBytes(int bytes) {
      this.outputCap = atLeastOne(bytes, "the output cap must be at least 1 byte");
      return this;
    }

    /** How many commands may run at once; further calls wait for a slot. */
    public Builder maxConcurrentRuns(int n) {
      this.maxConcurrent = atLeastOne(n, "at least one run must be allowed at a time");
      return this;
    }

    /** {@code n} when it is at least 1; else an error stating {@code rule} and the value given. */
    private static int atLeastOne(int n, String rule) {
      if (n < 1) {
        throw new IllegalArgumentException(rule + ", got " + n);
      }
      return n;
    }

    /** How often a running call sends a progress notification (when the client asked for them). */
    public Builder progressInterval(Duration d) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("the progress interval must be positive, got " + d);
      }
      this.progressEvery = d;
      return this;
    }

    /** The text {@code explain_policy} returns before the narrowing rules. */
    public Builder explanation(Supplier<String> text) {
      this.explanation = Objects.requireNonNull(text);
      return this;
    }

    /** The text {@code list_backends} returns. */
    public Builder backendList(Supplier<String> text) {
      this.backendList = Objects.requireNonNull(text);
      return this;
    }

    public SandboxMcpServer build() {
      return new SandboxMcpServer(this);
    }
  }
}
