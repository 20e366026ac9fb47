package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.core.Sandbox;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sandbox why}: the verdict, the deciding rule and the way to allow it, with the same flags
 * and policy files as run; exit 0 allowed, 1 denied, 2 bad input. No resolver is asked: every host
 * below is decided before a name would be looked up.
 *
 * <p>Not run through the engine ({@link CliRunner}): {@code ./sandbox} hands only {@code run} to
 * the native client, so {@code why} takes the in-JVM path either way.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX paths")
class WhyCommandTest {
  @TempDir Path dir;
  private Path other;

  @org.junit.jupiter.api.BeforeEach
  void outsideTheTemporaryDirectories() throws Exception {
    // beneath target/, not /tmp: /tmp is the run's private temporary directory
    other = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "why").toRealPath();
  }

  @org.junit.jupiter.api.AfterEach
  void removeIt() throws Exception {
    Files.deleteIfExists(other);
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int why(String... args) {
    Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString());
    CliContext context =
        new CliContext(
            env,
            dir,
            () -> {
              throw new AssertionError("why must not need the engine");
            });
    CommandLine cl = Main.commandLine(context, args);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "why";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  @Test
  void aPathInTheWorkspaceIsWritableAndReadable() {
    assertThat(why("./src/Main.java")).as(err.toString()).isZero();
    assertThat(out.toString().lines().toList())
        .containsExactly(
            "read "
                + dir.resolve("src/Main.java")
                + ": allowed: writable root "
                + dir
                + " (writable roots are readable)",
            "write "
                + dir.resolve("src/Main.java")
                + ": allowed: writable root "
                + dir
                + " (the workspace)");
  }

  @Test
  void aWriteOutsideIsDeniedWithTheFlagThatAllowsItAndThatFlagDoes() {
    Path target = other.resolve("out.txt");
    assertThat(why(target.toString(), "--write")).isEqualTo(1);
    assertThat(out.toString())
        .startsWith("write " + target + ": denied: not beneath a writable root")
        .contains("allow it with --allow-write " + target);
    out.getBuffer().setLength(0);
    assertThat(why(target.toString(), "--write", "--allow-write", other.toString())).isZero();
    assertThat(out.toString()).contains("allowed: writable root " + other);
  }

  @Test
  void aPolicyFileCountsAsRunWouldReadIt() throws Exception {
    Path policy =
        Files.writeString(
            dir.resolve("policy.toml"),
            "version = 1\n[filesystem]\ndeny-write = [\"" + dir.resolve("locked") + "\"]\n");
    assertThat(why("--policy", policy.toString(), "locked/a", "--write")).isEqualTo(1);
    assertThat(out.toString())
        .contains("deny-write entry " + dir.resolve("locked"))
        .contains("remove " + dir.resolve("locked") + " from --deny-write");
  }

  @Test
  void theCredentialStoresAndGitHooksAreDeniedWithoutAFlagToAllowThem() {
    assertThat(why("~/.ssh/id_ed25519", "--read")).isEqualTo(1);
    assertThat(out.toString()).contains("a credential store", "no flag allows it");
    out.getBuffer().setLength(0);
    assertThat(why(".git/hooks/pre-commit", "--write")).isEqualTo(1);
    assertThat(out.toString()).contains("protected name .git/hooks");
  }

  @Test
  void hostsAreJudgedByTheNetworkRules() {
    assertThat(why("example.com")).isEqualTo(1);
    assertThat(out.toString())
        .isEqualTo(
            "connect to example.com:443: denied: network mode none (the default); allow it"
                + " with --net allow=example.com:443 (policy file: network.mode = \"allow\","
                + " network.allow = [\"example.com:443\"])\n");
    out.getBuffer().setLength(0);
    assertThat(why("localhost:8080", "--net", "allow=localhost:8080")).isZero();
    assertThat(out.toString()).contains("allowed: allow-list entry 'localhost:8080'");
    out.getBuffer().setLength(0);
    assertThat(
            why(
                "evil.example.org:443",
                "--net",
                "allow=*.example.org",
                "--net-deny",
                "evil.example.org"))
        .as(err.toString())
        .isEqualTo(1);
    assertThat(out.toString())
        .contains(
            "denied: deny-list entry 'evil.example.org'",
            "remove 'evil.example.org' from --net-deny");
    out.getBuffer().setLength(0);
    assertThat(why("[::1]:9", "--net", "allow=localhost:8080")).as(err.toString()).isEqualTo(1);
    assertThat(out.toString()).startsWith("connect to [::1]:9: denied: ");
  }

  @Test
  void badInputIsExit2() {
    assertThat(why("exa mple.com")).isEqualTo(2);
    assertThat(why("example.com:99999")).isEqualTo(2);
    assertThat(err.toString()).contains("99999");
    assertThat(why()).isEqualTo(2);
  }

  @Test
  void theRunHelpAndTheWhyCommandAgreeOnFlagNames() {
    // every flag a remedy names is one run accepts
    CommandLine run = Main.commandLine(new CliContext(Map.of(), dir, Sandbox::create));
    var runSpec = run.getSubcommands().get("run").getCommandSpec();
    for (String flag :
        List.of(
            "--allow-write",
            "--allow-system-write",
            "--allow-read",
            "--deny-read",
            "--deny-write",
            "--net",
            "--net-deny",
            "--env")) {
      assertThat(runSpec.findOption(flag)).as(flag).isNotNull();
    }
  }
}
