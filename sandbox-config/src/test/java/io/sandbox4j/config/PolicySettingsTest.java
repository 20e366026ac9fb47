package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicySettingsTest {
  @TempDir Path dir;

  private static final String TOML =
      """
      version = 1
      [filesystem]
      workspace = "."
      allow-read = []
      deny-read = ["~/.config/secrets"]
      allow-write = ["cache"]
      deny-write = ["build.gradle"]
      [network]
      mode = "allow"
      allow = ["example.com:443", "[::1]:8080"]
      [process]
      env = ["JAVA_HOME", "CI=true"]
      [resources]
      memory = "2g"
      cpu-time = "10m"
      timeout = "30m"
      max-procs = 256
      max-file-size = "1g"
      [backends]
      use = ["landlock"]
      """;

  private static final String YAML =
      """
      version: 1
      filesystem:
        workspace: "."
        allow-read: []
        deny-read: ["~/.config/secrets"]
        allow-write: ["cache"]
        deny-write: ["build.gradle"]
      network:
        mode: allow
        allow: ["example.com:443", "[::1]:8080"]
      process:
        env: [JAVA_HOME, "CI=true"]
      resources:
        memory: 2g
        cpu-time: 10m
        timeout: 30m
        max-procs: 256
        max-file-size: 1g
      backends:
        use: [landlock]
      """;

  private static final String JSON =
      """
      {"version": 1,
       "filesystem": {"workspace": ".", "allow-read": [], "deny-read": ["~/.config/secrets"],
                      "allow-write": ["cache"], "deny-write": ["build.gradle"]},
       "network": {"mode": "allow", "allow": ["example.com:443", "[::1]:8080"]},
       "process": {"env": ["JAVA_HOME", "CI=true"]},
       "resources": {"memory": "2g", "cpu-time": "10m", "timeout": "30m", "max-procs": 256,
                     "max-file-size": "1g"},
       "backends": {"use": ["landlock"]}}
      """;

  private Map<String, String> env() {
    return Map.of(
        "HOME",
        dir.resolve("home").toString(),
        "JAVA_HOME",
        dir.resolve("jdk").toString(),
        "PATH",
        dir.resolve("bin").toString());
  }

  @ParameterizedTest
  @CsvSource({"policy.toml", "policy.yaml", "policy.yml", "policy.json"})
  void everyFormatReadsTheSameKeysIntoTheSamePolicy(String name) throws IOException {
    Files.createDirectories(dir.resolve("cache"));
    String text = name.endsWith(".toml") ? TOML : name.endsWith(".json") ? JSON : YAML;
    Path file = Files.writeString(dir.resolve(name), text);
    PolicySettings s = PolicySettings.load(file);
    SandboxPolicy p = s.resolve(env());

    assertThat(p.filesystem().workspace()).isEqualTo(dir);
    assertThat(p.filesystem().writableRoots()).containsExactly(dir.resolve("cache"));
    assertThat(p.filesystem().readDeny())
        .contains(dir.resolve("home/.config/secrets"), dir.resolve("home/.ssh"));
    assertThat(p.filesystem().writeDeny()).containsExactly(dir.resolve("build.gradle"), file);
    assertThat(p.network().mode()).isEqualTo(NetworkMode.ALLOW);
    assertThat(p.network().allow()).hasToString("[example.com:443, [::1]:8080]");
    assertThat(p.process().environmentFrom(env()))
        .containsEntry("JAVA_HOME", dir.resolve("jdk").toString())
        .containsEntry("CI", "true");
    assertThat(p.resources().memoryBytes()).hasValue(2L << 30);
    assertThat(p.resources().cpuTime()).hasValue(Duration.ofMinutes(10));
    assertThat(p.resources().timeout()).hasValue(Duration.ofMinutes(30));
    assertThat(p.resources().maxProcesses()).hasValue(256);
    assertThat(p.resources().maxFileSizeBytes()).hasValue(1L << 30);
    assertThat(s.backends()).containsExactly("landlock");
    assertThat(p.requiredFeatures()).contains(Feature.NET_ALLOWLIST, Feature.RES_MAX_PROCS);
  }

  @Test
  void aMisspelledKeyIsAnErrorWithItsLine() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.toml"), "version = 1\n[filesystem]\nalow-write = [\"x\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "policy file "
                + file
                + " line 3, key 'filesystem.alow-write': unknown key; known keys"
                + " of [filesystem]: allow-read, allow-system-write, allow-write, deny-read, deny-write, home,"
                + " workspace");
  }

  @Test
  void anUnknownSectionIsAnError() throws IOException {
    Path file = Files.writeString(dir.resolve("p.yaml"), "version: 1\nnetwrok:\n  mode: all\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .hasMessageContaining("line 2, key 'netwrok': unknown section");
  }

  @Test
  void aWrongTypeIsAnErrorWithItsLine() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.json"), "{\"version\": 1,\n \"resources\": {\"max-procs\": \"many\"}}");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .hasMessageContaining(
            "line 2, key 'resources.max-procs': must be a whole number, got the"
                + " string \"many\"");
  }

  @Test
  void anImpossibleValueIsAnErrorWithItsLine() throws IOException {
    Path file =
        Files.writeString(dir.resolve("p.toml"), "version = 1\n\n[resources]\nmemory = \"lots\"\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .hasMessageContaining("line 4, key 'resources.memory': 'lots' is not a size");
  }

  @Test
  void aSyntaxErrorNamesTheLine() throws IOException {
    Path file = Files.writeString(dir.resolve("p.toml"), "version = 1\n[network\nmode = \"all\"\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .hasMessageStartingWith("policy file " + file + " line 2: not valid TOML");
  }

  @Test
  void aControlCharacterInANetworkEntryIsRefusedNotTrimmed() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.toml"),
            "version = 1\n[network]\nmode = \"allow\"\nallow = [\"a.example\\u0000\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageContaining("line 4, key 'network.allow'")
        .hasMessageContaining("character U+0000 at position 10 is not allowed");
  }

  @Test
  void aWrongVersionIsRejected() throws IOException {
    Path file = Files.writeString(dir.resolve("p.toml"), "version = 2\n");
    assertThatThrownBy(() -> PolicySettings.load(file)).hasMessageContaining("must be 1");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "p.toml|'[resources]\nmemory = \"1g\"\n'",
        "p.yaml|'resources:\n  memory: 1g\n'",
        "p.json|'{\"resources\": {\"memory\": \"1g\"}}'",
        "p.toml|'[filesystem]\nalow-write = []\n'"
      })
  void aPolicyFileWithoutAVersionIsRefusedNamingTheKey(String name, String text)
      throws IOException {
    Path file = Files.writeString(dir.resolve(name), text);
    assertThatThrownBy(() -> PolicySettings.load(file))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "policy file "
                + file
                + ", key 'version': missing; a policy file says which format it is written in:"
                + " version = 1 (TOML), version: 1 (YAML), \"version\": 1 (JSON)");
  }

  @Test
  void duplicateKeysAreRejectedInJson() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.json"),
            "{\"version\":1,\"network\":{\"mode\":\"all\",\"mode\":\"none\"}}");
    assertThatThrownBy(() -> PolicySettings.load(file)).hasMessageContaining("not valid JSON");
  }

  /** An alias used to become the anchor's name: a deny-read entry named the wrong path. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'  deny-read: [&s /tmp/secret, *s]'|3|alias '*s'",
        "'  &k deny-read: [/tmp/secret]\n  deny-write: [*k]'|3|anchor '&k'",
        "'  deny-read: &list [/tmp/secret]'|3|anchor '&list'",
      })
  void yamlAnchorsAndAliasesAreRefusedWithTheLine(String filesystem, int line, String what)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.yaml"),
            "version: 1\nfilesystem:\n" + filesystem.replace("\\n", "\n") + "\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "policy file "
                + file
                + " line "
                + line
                + ": YAML "
                + what
                + ": anchors and aliases are not supported in policy files; write the value out");
  }

  @Test
  void aPolicyFileOfMoreThanOneMebibyteIsRefusedUnread() throws IOException {
    String head = "version = 1\n";
    String padding = "# " + "x".repeat(1000) + "\n";
    StringBuilder text = new StringBuilder(head);
    while (text.length() + padding.length() <= PolicyFileReader.MAX_BYTES) {
      text.append(padding);
    }
    text.append("#".repeat(PolicyFileReader.MAX_BYTES - text.length() - 1)).append('\n');
    Path fits = Files.writeString(dir.resolve("fits.toml"), text);
    assertThat(Files.size(fits)).isEqualTo(PolicyFileReader.MAX_BYTES);
    assertThat(PolicySettings.load(fits).backends()).isEmpty();

    Path big = Files.writeString(dir.resolve("big.toml"), text.append('\n'));
    assertThatThrownBy(() -> PolicySettings.load(big))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "policy file "
                + big
                + ": larger than 1048576 bytes (1 MiB), the most a policy file"
                + " may be");
  }

  @Test
  void aListOfMoreThanTenThousandEntriesIsRefused() throws IOException {
    String entries =
        String.join(", ", java.util.Collections.nCopies(PolicyFileReader.MAX_ENTRIES, "\"/x\""));
    Path fits =
        Files.writeString(
            dir.resolve("fits.toml"), "version = 1\n[backends]\nuse = [" + entries + "]\n");
    assertThat(PolicySettings.load(fits).backends()).hasSize(PolicyFileReader.MAX_ENTRIES);

    Path many =
        Files.writeString(
            dir.resolve("many.toml"),
            "version = 1\n[filesystem]\ndeny-read = [" + entries + ", \"/y\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(many))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessage(
            "policy file "
                + many
                + " line 3, key 'filesystem.deny-read': holds 10001 entries; at most 10000");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "p.toml|'version = 1\n[filesystem]\ndeny-read = [[[[[[[[\"x\"]]]]]]]]\n'",
        "p.yaml|'version: 1\nfilesystem:\n  deny-read: [[[[[[[[x]]]]]]]]\n'",
        "p.json|'{\"version\": 1, \"filesystem\": {\"deny-read\": [[[[[[[[\"x\"]]]]]]]]}}'"
      })
  void nestingDeeperThanAPolicyNeedsIsRefused(String name, String text) throws IOException {
    Path file = Files.writeString(dir.resolve(name), text.replace("\\n", "\n"));
    assertThatThrownBy(() -> PolicySettings.load(file))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("policy file " + file)
        .hasMessageEndingWith(
            ": nested more than 8 deep; a policy file holds sections of keys, some with lists");
  }

  @ParameterizedTest
  @ValueSource(strings = {"p.txt", "p"})
  void anUnknownFormatIsRejected(String name) throws IOException {
    Path file = Files.writeString(dir.resolve(name), "version = 1\n");
    assertThatThrownBy(() -> PolicySettings.load(file))
        .hasMessageContaining("name it .toml, .yaml, .yml or .json");
  }

  @Test
  void flagsReplaceScalarsAndAddToLists() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.toml"),
            "version = 1\n[filesystem]\ndeny-read = [\"a\"]\n[resources]\nmemory = \"1g\"\n");
    PolicySettings flags =
        new PolicySettings(dir)
            .set(Setting.DENY_READ, "b")
            .set(Setting.MEMORY, "256m")
            .set(Setting.NET, "all");
    SandboxPolicy p = PolicySettings.load(file).overrideWith(flags).resolve(env());
    assertThat(p.filesystem().readDeny()).contains(dir.resolve("a"), dir.resolve("b"));
    assertThat(p.resources().memoryBytes()).hasValue(256L << 20);
    assertThat(p.network().mode()).isEqualTo(NetworkMode.ALL);
  }

  @Test
  void aMissingWorkspaceIsBadInput() {
    PolicySettings s = new PolicySettings(dir).set(Setting.WORKSPACE, "nope");
    assertThatThrownBy(() -> s.resolve(env()))
        .hasMessage("--workspace: '" + dir.resolve("nope") + "' is not an existing directory");
  }

  @Test
  void badNetFlagsAreRejected() {
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NET, "some"))
        .hasMessageContaining("--net: 'some' is not one of none, all, allow=");
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NET, "allow="))
        .hasMessage("--net: network allow-list entry is empty");
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NET, "allow=h:99999"))
        .hasMessageContaining("port 99999");
  }

  @Test
  void badEnvNamesAreRejected() {
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.ENV, "1BAD=x"))
        .hasMessageStartingWith("--env: environment variable name '1BAD'");
  }

  @Test
  void defaultsDenyCredentialStoresOfBothHomes() {
    SandboxPolicy p = new PolicySettings(dir).resolve(env());
    Path home = dir.resolve("home");
    Path account = Path.of(System.getProperty("user.home"));
    assertThat(p.filesystem().readDeny())
        .contains(
            home.resolve(".ssh"),
            home.resolve(".aws"),
            home.resolve(".netrc"),
            home.resolve(".docker/config.json"),
            account.resolve(".ssh"));
    assertThat(List.copyOf(p.requiredFeatures()))
        .contains(Feature.FS_READ_DENY, Feature.NET_DENY_ALL, Feature.PROC_ENV_SCRUB);
  }

  @Test
  void aPolicyFileWithoutAWorkspaceMeansTheCurrentDirectory() throws IOException {
    Path files = Files.createDirectories(dir.resolve("policies"));
    Path cwd = Files.createDirectories(dir.resolve("project"));
    Path file = Files.writeString(files.resolve("p.toml"), "version = 1\n");
    SandboxPolicy p =
        PolicySettings.load(file).overrideWith(new PolicySettings(cwd)).resolve(env());
    assertThat(p.filesystem().workspace()).isEqualTo(cwd.toRealPath());
  }

  @Test
  void anAllowWriteLinkOutOfTheWorkspaceIsRefused() throws IOException {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.createSymbolicLink(ws.resolve("cache"), outside);
    PolicySettings s = new PolicySettings(ws).set(Setting.ALLOW_WRITE, "cache");
    assertThatThrownBy(() -> s.resolve(env()))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--allow-write: ")
        .hasMessageContaining("leads out of the workspace through a symbolic link")
        .hasMessageContaining(outside.toRealPath().toString());
  }

  @Test
  void anAllowReadLinkOutOfTheWorkspaceIsRefused() throws IOException {
    // attack 13: a link planted in the workspace by an earlier run, pointing into the private home
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path secrets = Files.createDirectories(dir.resolve("home/.secretstore"));
    Files.createSymbolicLink(ws.resolve("docs"), secrets);
    PolicySettings s = new PolicySettings(ws).set(Setting.ALLOW_READ, "docs");
    assertThatThrownBy(() -> s.resolve(env()))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--allow-read: ")
        .hasMessageContaining("leads out of the workspace through a symbolic link")
        .hasMessageContaining(secrets.toRealPath().toString());
    PolicySettings direct = new PolicySettings(ws).set(Setting.ALLOW_READ, secrets.toString());
    assertThat(direct.resolve(env()).filesystem().readAllow()).contains(secrets.toRealPath());
  }

  @Test
  void linksInPathsAreResolvedSoThePolicyShowsWhatIsMeant() throws IOException {
    Path real = Files.createDirectories(dir.resolve("real"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), real);
    SandboxPolicy p =
        new PolicySettings(dir).set(Setting.ALLOW_WRITE, link.toString()).resolve(env());
    assertThat(p.filesystem().writableRoots()).containsExactly(real.toRealPath());
  }

  @Test
  void tildeUserAndControlCharactersAreBadInput() {
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.DENY_READ, "~nobody/x"))
        .hasMessageContaining("~user is not supported");
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.DENY_READ, "a\nb"))
        .hasMessageContaining("contains a control character");
  }
}
