package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.spi.BackendContext;
import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.api.spi.SandboxBackend;
import io.sandbox4j.core.Sandbox;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.changes.ChangeSets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code run --ephemeral}, {@code changes ...} and {@code cleanup} (issue 14), in this JVM and with
 * {@code run} through the engine ({@link CliRunner}).
 */
@EnabledOnOs(value = OS.LINUX, disabledReason = "change sets read unix attributes")
@ParameterizedClass
@EnumSource(CliRunner.Mode.class)
class EphemeralCliTest {
  @RegisterExtension static final CliRunner CLI = new CliRunner();
  @Parameter CliRunner.Mode mode;
  @TempDir Path dir;
  Path ws;
  Map<String, String> env;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  static final class PretendProvider implements BackendProvider {
    @Override
    public List<SandboxBackend> backends(BackendContext context) {
      return List.of(new PretendBackend());
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    ws = Files.createDirectories(dir.resolve("ws"));
    env =
        Map.of(
            "PATH",
            System.getenv().getOrDefault("PATH", ""),
            "HOME",
            dir.toString(),
            "XDG_CACHE_HOME",
            dir.resolve("cache").toString());
  }

  private int run(String... args) {
    return CLI.execute(
        mode,
        env,
        ws,
        () -> Sandbox.create(List.of(new PretendProvider())),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        args);
  }

  private ChangeSet changeSet() throws Exception {
    Files.writeString(ws.resolve("a.txt"), "old\n");
    Thread.sleep(120); // older than the change set's start, less its clock margin
    ChangeSet cs = ChangeSets.forUser(env).create(ws, List.of(".sandbox4j"));
    Files.writeString(cs.upper().resolve("a.txt"), "new\n");
    return cs;
  }

  // The refusal without an isolator owning FS_EPHEMERAL is the testkit's refusal check
  // (PretendBackend declares every feature, so it cannot show it here).

  @Test
  void onWithoutEphemeralOrWithAMalformedIdIsExit2() {
    assertThat(run("run", "--on", "20261204-211640-c41588ed", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("--on ID needs --ephemeral");
    assertThat(run("run", "--ephemeral", "--on", "../x", "--", "true")).isEqualTo(2);
    assertThat(err.toString()).contains("not a change set id: '../x'");
  }

  @Test
  void listShowDiffApply() throws Exception {
    ChangeSet cs = changeSet();
    assertThat(run("changes", "list")).isZero();
    assertThat(out.toString()).contains(cs.id()).contains("added 0, changed 1, deleted 0");
    assertThat(run("changes", "show", cs.id(), "--stat")).isZero();
    assertThat(out.toString()).contains("C a.txt +1 -1");
    assertThat(run("changes", "diff", cs.id())).isZero();
    assertThat(out.toString()).contains("-old\n+new\n");
    assertThat(run("changes", "apply", cs.id())).isZero();
    assertThat(Files.readString(ws.resolve("a.txt"))).isEqualTo("new\n");
    assertThat(run("changes", "show", cs.id())).isEqualTo(2);
    assertThat(err.toString()).contains("no change set " + cs.id());
  }

  @Test
  void aRefusedApplyIsExit1NamingThePath() throws Exception {
    ChangeSet cs = changeSet();
    Files.createDirectories(cs.upper().resolve(".sandbox4j"));
    Files.writeString(cs.upper().resolve(".sandbox4j/policy.toml"), "x");
    assertThat(run("changes", "apply", cs.id())).isEqualTo(1);
    assertThat(err.toString()).contains(".sandbox4j/policy.toml").contains("--allow-protected");
    assertThat(Files.readString(ws.resolve("a.txt"))).isEqualTo("old\n");
    assertThat(run("changes", "apply", "--allow-protected", cs.id())).isZero();
    assertThat(ws.resolve(".sandbox4j/policy.toml")).exists();
  }

  @Test
  void discardAndCleanupRemoveChangeSetsOfTheirWorkspaceOnly() throws Exception {
    ChangeSet first = changeSet();
    ChangeSet other =
        ChangeSets.forUser(env).create(Files.createDirectories(dir.resolve("other")), List.of());
    assertThat(run("changes", "discard", first.id())).isZero();
    assertThat(first.directory()).doesNotExist();
    ChangeSet second = changeSet();
    assertThat(run("cleanup")).isZero();
    assertThat(out.toString()).contains("discarded change set " + second.id());
    assertThat(ChangeSets.forUser(env).list())
        .extracting(ChangeSet::id)
        .containsExactly(other.id());
    assertThat(Files.readString(ws.resolve("a.txt"))).isEqualTo("old\n");
  }
}
