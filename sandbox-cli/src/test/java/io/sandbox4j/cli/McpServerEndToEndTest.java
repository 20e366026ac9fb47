package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts {@code sandbox mcp} as a child process (this JVM's class path, the CLI's main class) and
 * drives it over stdio with the MCP SDK's own client. The server runs real sandboxed commands with
 * the backends on the class path.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "the server runs real commands with the Linux backends and /bin/sh")
class McpServerEndToEndTest {
  @TempDir static Path workspace;

  static final List<String> stderr = new CopyOnWriteArrayList<>();
  static final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();
  static RecordingTransport transport;
  static McpSyncClient client;

  static List<String> serverCommand() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp",
        System.getProperty("java.class.path"),
        Main.class.getName(),
        "mcp",
        "--workspace",
        workspace.toString(),
        "--timeout",
        "30s",
        "--max-concurrent",
        "2",
        "--output-limit",
        "1000");
  }

  @BeforeAll
  static void start() {
    List<String> cmd = serverCommand();
    McpJsonMapper mapper = new JacksonMcpJsonMapper(JsonMapper.builder().build());
    StdioClientTransport stdio =
        new StdioClientTransport(
            ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build(), mapper);
    stdio.setStdErrorHandler(stderr::add);
    transport = new RecordingTransport(stdio);
    client =
        McpClient.sync(transport)
            .requestTimeout(Duration.ofSeconds(90))
            .initializationTimeout(Duration.ofSeconds(60))
            .progressConsumer(progress::add)
            .build();
    McpSchema.InitializeResult init = client.initialize();
    assertThat(init.serverInfo().name()).isEqualTo("sandbox4j");
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.closeGracefully();
    }
  }

  private static CallToolResult run(Map<String, Object> arguments) {
    return client.callTool(new CallToolRequest("run_command", arguments));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult r) {
    return (Map<String, Object>) r.structuredContent();
  }

  @Test
  void listsItsThreeTools() {
    assertThat(client.listTools().tools())
        .extracting(McpSchema.Tool::name)
        .containsExactlyInAnyOrder("run_command", "explain_policy", "list_backends");
  }

  @Test
  void aCommandThatSucceedsReturnsItsOutputFromTheWorkspace() throws Exception {
    CallToolResult r = run(Map.of("command", List.of("sh", "-c", "echo hello; pwd")));
    Map<String, Object> m = structured(r);
    assertThat(r.isError()).isFalse();
    assertThat(m)
        .containsEntry("ended", "exited")
        .containsEntry("exitCode", 0)
        .containsEntry("stdoutTruncated", false);
    assertThat((String) m.get("stdout")).isEqualTo("hello\n" + workspace.toRealPath() + "\n");
  }

  @Test
  void aCommandThatFailsIsAnErrorResultWithItsCodeAndStderr() {
    CallToolResult r = run(Map.of("shell", "echo bad >&2; exit 7"));
    Map<String, Object> m = structured(r);
    assertThat(r.isError()).isTrue();
    assertThat(m).containsEntry("ended", "exited").containsEntry("exitCode", 7);
    assertThat(m).containsEntry("stderr", "bad\n");
  }

  @Test
  void theCallsTimeoutKillsTheCommand() {
    long start = System.nanoTime();
    Map<String, Object> m = structured(run(Map.of("shell", "sleep 30", "timeout_seconds", 1)));
    assertThat(m).containsEntry("ended", "timeout").containsEntry("exitCode", 124);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void outputOverTheCapIsCutAndSaysSo() {
    Map<String, Object> m =
        structured(run(Map.of("shell", "head -c 5000 /dev/zero | tr '\\0' x; echo e >&2")));
    assertThat(m)
        .containsEntry("stdoutTruncated", true)
        .containsEntry("stdoutBytes", 5000)
        .containsEntry("stderrTruncated", false);
    assertThat((String) m.get("stdout")).isEqualTo("x".repeat(1000));
  }

  @Test
  void callsThatWouldWidenThePolicyAreRefusedNamingWhatTheyAskedFor() throws Exception {
    Map<Map<String, Object>, String> asks =
        Map.of(
            Map.of("command", List.of("true"), "network", "all"), "network \"all\"",
            Map.of("command", List.of("true"), "timeout_seconds", 3600), "timeout_seconds 3600",
            Map.of("command", List.of("true"), "writable_paths", List.of("/etc")),
                "writable_paths entry /etc",
            Map.of("command", List.of("true"), "env", Map.of("SECRET", "x")), "env SECRET",
            Map.of("command", List.of("true"), "cwd", "/"), "cwd / is outside the workspace",
            Map.of("command", List.of("true"), "network_allow", List.of("example.org")),
                "network_allow [example.org]");
    for (Map.Entry<Map<String, Object>, String> ask : asks.entrySet()) {
      CallToolResult r = run(ask.getKey());
      assertThat(r.isError()).isTrue();
      assertThat(structured(r)).containsEntry("ended", "refused");
      assertThat((String) structured(r).get("reason"))
          .startsWith("refused: the call asks for more than the session policy allows")
          .contains(ask.getValue());
    }
    // a narrowing call is served: less network, a shorter timeout, the workspace alone writable
    Map<String, Object> m =
        structured(
            run(
                Map.of(
                    "shell",
                    "echo x > narrowed.txt",
                    "network",
                    "none",
                    "timeout_seconds",
                    10,
                    "writable_paths",
                    List.of(workspace.toString()))));
    assertThat(m).containsEntry("ended", "exited").containsEntry("exitCode", 0);
    assertThat(workspace.resolve("narrowed.txt")).hasContent("x");
    // a narrowing the sandbox cannot enforce everywhere is refused, not weakened
    CallToolResult readOnly = run(Map.of("shell", "true", "writable_paths", List.of()));
    assertThat(readOnly.isError()).isTrue();
    assertThat((String) structured(readOnly).get("reason"))
        .startsWith("refused: the call asks for a restriction this server cannot enforce")
        .contains("leaves out the workspace");
  }

  @Test
  void unknownToolsAndWrongArgumentTypesAreProtocolErrorsAndServingGoesOn() {
    assertThatThrownBy(() -> client.callTool(new CallToolRequest("no_such_tool", Map.of())))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("Unknown tool")
        .satisfies(e -> assertThat(invalidParams(e)).isTrue());
    assertThatThrownBy(() -> run(Map.of("command", "echo")))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("command must be an array of strings, got a string")
        .satisfies(e -> assertThat(invalidParams(e)).isTrue());
    assertThatThrownBy(() -> run(Map.of("command", List.of("true"), "timeout_seconds", "soon")))
        .isInstanceOf(McpError.class)
        .hasMessageContaining("timeout_seconds must be a number");
    assertThat(structured(run(Map.of("command", List.of("true"))))).containsEntry("exitCode", 0);
  }

  @Test
  void parallelCallsRunAtOnceUpToTheLimit() throws Exception {
    List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(
          CompletableFuture.supplyAsync(
              () -> structured(run(Map.of("shell", "date +%s%N; sleep 2; date +%s%N")))));
    }
    List<long[]> spans = new ArrayList<>();
    for (CompletableFuture<Map<String, Object>> c : calls) {
      String[] lines = ((String) c.get(120, TimeUnit.SECONDS).get("stdout")).trim().split("\n");
      spans.add(new long[] {Long.parseLong(lines[0]), Long.parseLong(lines[1])});
    }
    int maxOverlap = 0;
    for (long[] s : spans) {
      int at = 0; // how many runs were going on when this one started
      for (long[] o : spans) {
        if (o[0] <= s[0] && s[0] < o[1]) {
          at++;
        }
      }
      maxOverlap = Math.max(maxOverlap, at);
    }
    assertThat(maxOverlap).as("runs at once, limit 2: %s", spans).isEqualTo(2);
  }

  @Test
  void aLongRunSendsProgressWithItsOutputSoFar() {
    progress.clear();
    CallToolResult r =
        client.callTool(
            new CallToolRequest(
                "run_command",
                Map.of("shell", "echo first-line; sleep 3; echo done"),
                Map.of("progressToken", "long-run")));
    assertThat(structured(r)).containsEntry("exitCode", 0);
    assertThat(progress)
        .anySatisfy(
            p -> {
              assertThat(p.progressToken()).isEqualTo("long-run");
              assertThat(p.message()).contains("first-line");
            });
  }

  @Test
  void aCancelledCallKillsTheWholeTree() throws Exception {
    String marker = "617.25";
    CompletableFuture<Map<String, Object>> call =
        CompletableFuture.supplyAsync(
            () -> structured(run(Map.of("shell", "sleep " + marker + " & sleep " + marker))));
    waitUntil(() -> sleepers(marker) == 2, "both sleeps started");
    Object id = transport.lastToolCallId();
    transport
        .sendMessage(
            new McpSchema.JSONRPCNotification(
                "2.0", "notifications/cancelled", Map.of("requestId", id, "reason", "test")))
        .block(Duration.ofSeconds(10));
    waitUntil(() -> sleepers(marker) == 0, "no sleep left after the cancellation");
    assertThat(call.get(60, TimeUnit.SECONDS)).containsEntry("ended", "cancelled");
  }

  @Test
  void malformedLinesGetJsonRpcErrorsAndStdoutCarriesProtocolOnly() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(serverCommand());
    // the JVM announces JAVA_TOOL_OPTIONS: that must go to stderr, not onto the protocol
    pb.environment().put("JAVA_TOOL_OPTIONS", "-Dsandbox4j.test=1");
    Process p = pb.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    try (OutputStream in = p.getOutputStream()) {
      in.write(
          String.join(
                  "\n",
                  "this is not json {",
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                      + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                      + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                  "[1, 2]",
                  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                  "{\"id\":7,\"method\":\"tools/list\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                  "")
              .getBytes(StandardCharsets.UTF_8));
      in.flush();
      List<JsonNode> replies = new ArrayList<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      JsonMapper json = JsonMapper.builder().build();
      while (replies.stream().noneMatch(r -> r.path("id").asInt(0) == 2)) {
        String line = out.readLine();
        assertThat(line).as("the server's stdout ended early; stderr: %s", stderr).isNotNull();
        JsonNode node = json.readTree(line); // every line of stdout is a JSON-RPC message
        assertThat(node.path("jsonrpc").asString()).isEqualTo("2.0");
        replies.add(node);
      }
      assertThat(replies)
          .extracting(r -> r.path("error").path("code").asInt(0))
          .contains(-32700, -32600);
      assertThat(replies).anySatisfy(r -> assertThat(r.path("id").asInt()).isEqualTo(7));
      assertThat(replies.get(replies.size() - 1).path("result").path("tools").size()).isEqualTo(3);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the server ends when stdin closes").isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(err.get(10, TimeUnit.SECONDS)).contains("Picked up JAVA_TOOL_OPTIONS");
  }

  @Test
  @org.junit.jupiter.api.Timeout(120)
  void oddIdsAreInvalidRequestsAndACancellationThatOvertakesItsCallStillCancelsIt()
      throws Exception {
    Process p =
        new ProcessBuilder(serverCommand()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = p.getOutputStream()) {
      // One write: the cancellation reaches the server right behind its call, before the run.
      in.write(
          String.join(
                  "\n",
                  "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                      + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                      + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":123456789012345678901234567890,\"method\":\"ping\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":{\"a\":1},\"method\":\"ping\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
                  "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                      + "{\"name\":\"run_command\",\"arguments\":"
                      + "{\"shell\":\"sleep 25; echo finished\"}}}",
                  "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                      + "\"params\":{\"requestId\":3}}",
                  "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\"}",
                  "")
              .getBytes(StandardCharsets.UTF_8));
      in.flush();
      Map<Integer, JsonNode> byId = new java.util.HashMap<>();
      List<JsonNode> nullIds = new ArrayList<>();
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      JsonMapper json = JsonMapper.builder().build();
      long started = System.nanoTime();
      while (!byId.containsKey(3) || !byId.containsKey(4)) {
        String line = out.readLine();
        assertThat(line).as("the server's stdout ended early").isNotNull();
        JsonNode node = json.readTree(line);
        if (node.path("id").isNull()) {
          nullIds.add(node);
        } else if (node.has("id")) {
          byId.put(node.path("id").asInt(), node);
        }
      }
      assertThat(nullIds)
          .hasSize(4)
          .allSatisfy(n -> assertThat(n.path("error").path("code").asInt()).isEqualTo(-32600));
      assertThat(byId.get(3).path("result").path("structuredContent").path("ended").asString())
          .isEqualTo("cancelled");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the server ends when stdin closes").isTrue();
  }

  private static boolean invalidParams(Throwable e) {
    return ((McpError) e).getJsonRpcError().code() == McpSchema.ErrorCodes.INVALID_PARAMS;
  }

  /** Host processes running {@code sleep MARKER} (the sandbox's pid namespace hides their pids). */
  private static long sleepers(String marker) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
        .filter(
            h -> h.info().arguments().map(a -> List.of(a).equals(List.of(marker))).orElse(false))
        .count();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** The SDK's stdio transport, remembering the JSON-RPC id of each tools/call it sends. */
  static final class RecordingTransport implements McpClientTransport {
    private final StdioClientTransport delegate;
    private final List<Object> toolCallIds = new CopyOnWriteArrayList<>();

    RecordingTransport(StdioClientTransport delegate) {
      this.delegate = delegate;
    }

    Object lastToolCallId() {
      return toolCallIds.get(toolCallIds.size() - 1);
    }

    @Override
    public Mono<Void> connect(Function<Mono<JSONRPCMessage>, Mono<JSONRPCMessage>> handler) {
      return delegate.connect(handler);
    }

    @Override
    public void setExceptionHandler(Consumer<Throwable> handler) {
      delegate.setExceptionHandler(handler);
    }

    @Override
    public Mono<Void> sendMessage(JSONRPCMessage message) {
      if (message instanceof McpSchema.JSONRPCRequest r && r.method().equals("tools/call")) {
        toolCallIds.add(r.id());
      }
      return delegate.sendMessage(message);
    }

    @Override
    public Mono<Void> closeGracefully() {
      return delegate.closeGracefully();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
      return delegate.unmarshalFrom(data, typeRef);
    }

    @Override
    public List<String> protocolVersions() {
      return delegate.protocolVersions();
    }
  }
}
