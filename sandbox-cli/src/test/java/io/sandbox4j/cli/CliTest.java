package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the command line against fake backends and checks exit codes and messages, in this JVM and
 * through the engine and the native client ({@link CliRunner}).
 */
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class CliTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path dir;

  /** XDG_CACHE_HOME, outside the workspace: the engine's directory (no XDG_RUNTIME_DIR) is here. */
  @TempDir Path cache;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static final class PretendProvider implements BackendProvider {
    @Override
    public List<SandboxBackend> backends(BackendContext context) {
      return List.of(new PretendBackend());
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "PATH",
        System.getenv().getOrDefault("PATH", ""),
        "HOME",
        dir.toString(),
        "XDG_CACHE_HOME",
        cache.toString());
  }

  private static Sandbox sandbox(boolean withBackend) {
    return Sandbox.create(withBackend ? List.of(new PretendProvider()) : List.of());
  }

  private int run(boolean withBackend, String... args) {
    return CLI.execute(
        mode,
        env(),
        dir,
        () -> sandbox(withBackend),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run(false, "--help")).isZero();
    assertThat(out.toString()).contains("run", "backends", "explain", "--version");
  }

  @Test
  void versionNamesTheProject() {
    assertThat(run(false, "--version")).isZero();
    assertThat(out.toString()).startsWith("sandbox4j ");
  }

  @Test
  void anUnknownFlagIsExit2AndNothingRuns() {
    assertThat(run(true, "run", "--bogus", "--", "touch", "marker")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'").contains("--help");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  @Test
  void aMalformedSizeNamesTheFlag() {
    assertThat(run(true, "run", "--memory", "lots", "--", "touch", "marker")).isEqualTo(2);
    assertThat(err.toString()).contains("--memory: 'lots' is not a size");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  @Test
  void aMalformedDurationNamesTheFlag() {
    assertThat(run(true, "run", "--timeout", "soon", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("--timeout: 'soon' is not a duration");
  }

  @Test
  void aMalformedNetValueIsExit2() {
    assertThat(run(true, "run", "--net", "allow=bad host", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("'bad host' is not a host name");
  }

  @Test
  void aNonNumericMaxProcsIsExit2() {
    assertThat(run(true, "run", "--max-procs", "many", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("--max-procs");
  }

  /** Out of its range, a value is bad input naming the flag, not an internal error or 125. */
  @ParameterizedTest
  @CsvSource({
    "--timeout,99999999999d",
    "--cpu-time,99999999999d",
    "--max-procs,2147483647",
    "--max-open-files,2147483647",
    "--memory,99999999999t",
    "--max-file-size,9223372036854775807"
  })
  void aValueOutOfRangeIsExit2NamingTheFlag(String flag, String value) {
    assertThat(run(true, "run", flag, value, "--", "touch", "marker")).isEqualTo(2);
    assertThat(err.toString()).startsWith("sandbox: " + flag + ": ").contains("at most");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  /**
   * A command that may write the engine's directory could remove or replace its socket, lock or
   * log: refused on both paths (here: the in-JVM run, and the run the engine serves) before it
   * runs, naming the directory and the way out.
   */
  @Test
  void aWritableRootHoldingTheEnginesDirectoryIsExit2AndNothingRuns() throws Exception {
    // through the engine, the client is given the engine's XDG_RUNTIME_DIR; in this JVM, the
    // directory is the cache's (no XDG_RUNTIME_DIR)
    Path holder =
        mode == CliRunner.Mode.ENGINE
            ? CLI.engineRuntimeDirectory(env(), () -> sandbox(true))
            : cache;
    Path marker = dir.resolve("marker");
    assertThat(
            run(true, "run", "--allow-write", holder.toString(), "--", "touch", marker.toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("sandbox: the engine's directory " + holder.toRealPath())
        .contains("lies beneath " + holder)
        .contains("XDG_RUNTIME_DIR");
    assertThat(marker).doesNotExist();
  }

  /**
   * The MCP server's calls run in this JVM with the session's writable roots (a call only narrows
   * them): a session whose roots hold the engine's directory is refused at start, as run is.
   */
  @Test
  void anMcpSessionWhoseRootsHoldTheEnginesDirectoryIsExit2() {
    java.io.InputStream stdin = System.in;
    // were it served, the session would end at once on this empty input (exit 0)
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    try {
      assertThat(run(true, "mcp", "--allow-write", cache.toString())).isEqualTo(2);
    } finally {
      System.setIn(stdin);
    }
    assertThat(err.toString())
        .contains("sandbox: the engine's directory ")
        .contains("XDG_RUNTIME_DIR");
  }

  /** Issue 10: kernel interfaces and system directories are refused as writable roots. */
  @ParameterizedTest
  @CsvSource({
    "--workspace,/proc,never a writable root",
    "--allow-write,/proc/sys,never a writable root",
    "--allow-write,/sys,never a writable root",
    "--allow-write,/etc,--allow-system-write"
  })
  void aKernelOrSystemDirectoryAsWritableRootIsExit2AndNothingRuns(
      String flag, String path, String reason) {
    Path marker = dir.resolve("marker");
    assertThat(run(true, "run", flag, path, "--", "touch", marker.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("sandbox: " + flag + ": '" + path + "'").contains(reason);
    assertThat(marker).doesNotExist();
  }

  @Test
  void anUnknownBackendIsExit2WithTheKnownIds() {
    assertThat(run(true, "run", "--backend", "nope", "--", "touch", "marker")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown backend 'nope'; known backends: core, pretend");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  @Test
  void aBadPolicyFileIsExit2WithKeyAndLine() throws Exception {
    Files.writeString(dir.resolve("p.toml"), "version = 1\n[filesystem]\nalow-write = []\n");
    assertThat(run(true, "run", "--policy", dir.resolve("p.toml").toString(), "--", "true"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("line 3, key 'filesystem.alow-write': unknown key");
  }

  @Test
  void aMissingPolicyFileIsExit2() {
    assertThat(run(true, "run", "--policy", "missing.toml", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("missing.toml: cannot be read");
  }

  @Test
  void aMissingCommandIsExit2() {
    assertThat(run(true, "run")).isEqualTo(2);
    assertThat(err.toString()).contains("COMMAND");
  }

  @Test
  void whatNothingEnforcesIsRefusedWith125AndNothingRuns() {
    assertThat(run(false, "run", "--", "touch", "marker")).isEqualTo(125);
    assertThat(err.toString())
        .startsWith("sandbox: refusing to run")
        .contains("FS_WRITE_CONFINEMENT", "nothing was run");
    assertThat(dir.resolve("marker")).doesNotExist();
  }

  /** What a backend logs while it plans the run is one line on standard error, both ways. */
  @Test
  void aBackendsWarningIsOneLineOnStandardError() {
    PretendBackend warning =
        new PretendBackend(
            "warning",
            "test double that warns",
            "everything",
            Aspect.FILESYSTEM,
            (policy, spec) ->
                System.getLogger("test.warning").log(System.Logger.Level.WARNING, "heed this"));
    BackendProvider provider =
        new BackendProvider() {
          @Override
          public List<SandboxBackend> backends(BackendContext context) {
            return List.of(warning);
          }
        };
    int exit =
        CLI.execute(
            mode,
            env(),
            dir,
            () -> Sandbox.create(List.of(provider)),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "run",
            "--",
            "true");
    assertThat(exit).as(err.toString()).isZero();
    assertThat(err.toString()).isEqualTo("sandbox: WARNING: heed this\n");
  }

  @Test
  void theCommandsExitCodePassesThrough() {
    String[] exit3 =
        System.getProperty("os.name").startsWith("Windows")
            ? new String[] {"run", "--", "cmd.exe", "/d", "/c", "exit 3"}
            : new String[] {"run", "--", "sh", "-c", "exit 3"};
    assertThat(run(true, exit3)).isEqualTo(3);
  }

  @Test
  void aCommandThatIsNotFoundIs127() {
    String missing = dir.resolve("no-such-program").toString();
    assertThat(run(true, "run", "--", missing)).isEqualTo(127);
    assertThat(err.toString()).contains(missing);
  }

  @Test
  void explainShowsThePolicyAndWhoEnforcesEachRule() {
    assertThat(run(true, "explain", "--net", "all", "--memory", "1g")).isZero();
    assertThat(out.toString())
        .contains("workspace:       " + dir)
        .contains(dir.resolve(".ssh").toString())
        .contains("mode:            all")
        .contains("memory:          1073741824 bytes")
        .contains("scrubbed environment")
        .contains("core/environment")
        .contains("pretend/everything")
        .contains("what bounds what:");
  }

  @Test
  void explainShowsThePrivateHomeThenTheDenyList() {
    // HOME is the workspace here (not hidden: it is writable); the account's home is private
    Path account = Path.of(System.getProperty("user.home")).normalize();
    assertThat(run(true, "explain")).isZero();
    String text = out.toString();
    assertThat(text).contains("private home:    " + account).contains("private home directory");
    assertThat(text.indexOf("private home:")).isLessThan(text.indexOf("deny-read:"));
    out.getBuffer().setLength(0);
    assertThat(run(true, "explain", "--home", "read")).isZero();
    assertThat(out.toString())
        .contains("home:            read")
        .doesNotContain("private home")
        .contains(dir.resolve(".ssh").toString());
    assertThat(run(true, "explain", "--home", "open")).isEqualTo(2);
    assertThat(err.toString()).contains("--home: must be \"private\" or \"read\"");
  }

  @Test
  void explainRefusesLikeRun() {
    assertThat(run(false, "explain")).isEqualTo(125);
    assertThat(err.toString()).contains("refusing to run");
  }

  @Test
  void backendsJsonListsEveryBackendWithAvailability() {
    assertThat(run(true, "backends", "--json")).isZero();
    JsonNode root = JsonMapper.builder().build().readTree(out.toString());
    assertThat(root.get("backends")).hasSize(2);
    JsonNode pretend = root.get("backends").get(1);
    assertThat(pretend.get("id").stringValue()).isEqualTo("pretend");
    assertThat(pretend.get("isolators").get(0).get("available").booleanValue()).isTrue();
    assertThat(root.get("launchers").get(0).get("id").stringValue()).isEqualTo("process-builder");
  }

  @Test
  void backendsTextSaysWhatEachIsolatorEnforces() {
    assertThat(run(true, "backends")).isZero();
    assertThat(out.toString()).contains("pretend - test double", "everything", "FS_READ_DENY");
  }

  @Test
  void cleanupWithNothingLeftSaysSo() {
    assertThat(run(true, "cleanup")).isZero();
    assertThat(out.toString()).isEqualTo("nothing to clean up for " + dir + "\n");
  }
}
