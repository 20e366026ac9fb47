package io.sandbox4j.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingTest {
  @TempDir Path dir;

  @Test
  void everySettingHasAKeyOrAFlagAndNoneIsTakenTwice() {
    for (Setting s : Setting.values()) {
      assertThat(s.key().or(s::flag)).as(s.name()).isPresent();
      s.key().ifPresent(k -> assertThat(k).matches("([a-z]+\\.)?[a-z]+(-[a-z]+)*"));
      s.flag().ifPresent(f -> assertThat(f).matches("--[a-z]+(-[a-z]+)*"));
      assertThat(s.flag().isPresent()).isEqualTo(s.description().isPresent());
      assertThat(s.range()).isNotBlank();
    }
    List<String> keys = Arrays.stream(Setting.values()).flatMap(s -> s.key().stream()).toList();
    List<String> flags = Arrays.stream(Setting.values()).flatMap(s -> s.flag().stream()).toList();
    assertThat(keys).doesNotHaveDuplicates();
    assertThat(flags).doesNotHaveDuplicates();
  }

  /**
   * One validator per value: the same bad value gives the same message from a flag and from a file,
   * naming the flag in one case and the key with its line in the other.
   */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "MEMORY|lots|\"lots\"",
        "MAX_FILE_SIZE|0|0",
        "CPU_TIME|soon|\"soon\"",
        "TIMEOUT|-1s|\"-1s\"",
        "MAX_PROCS|0|0",
        "MAX_OPEN_FILES|2|2",
        "MAX_OPEN_FILES|4|4",
        "ENV|1BAD=x|[\"1BAD=x\"]",
        "DENY_READ|~nobody/x|[\"~nobody/x\"]",
        "WORKSPACE|''|\"\"",
        "MEMORY|1048577t|\"1048577t\"",
        "MAX_FILE_SIZE|99999999999999999999|\"99999999999999999999\"",
        "TIMEOUT|99999999999d|\"99999999999d\"",
        "CPU_TIME|99999999999|99999999999",
        "MAX_PROCS|2147483647|2147483647",
        "MAX_PROCS|4194305|4194305",
        "MAX_OPEN_FILES|1048577|1048577",
        "MAX_OPEN_FILES|99999999999999999999|99999999999999999999",
      })
  void aBadValueNamesTheFlagOrTheKeyAndItsLineWithOneMessage(
      String name, String flagValue, String tomlValue) throws IOException {
    Setting setting = Setting.valueOf(name);
    String flag = setting.flag().orElseThrow();
    String key = setting.key().orElseThrow();
    String section = key.substring(0, key.indexOf('.'));
    SandboxException fromFlag = catchInvalid(() -> new PolicySettings(dir).set(setting, flagValue));
    assertThat(fromFlag.getMessage()).startsWith(flag + ": ");
    String problem = fromFlag.getMessage().substring(flag.length() + 2);

    Path file =
        Files.writeString(
            dir.resolve("p.toml"),
            "version = 1\n\n["
                + section
                + "]\n"
                + key.substring(section.length() + 1)
                + " = "
                + tomlValue
                + "\n");
    SandboxException fromFile = catchInvalid(() -> PolicySettings.load(file));
    assertThat(fromFile.getMessage())
        .isEqualTo("policy file " + file + " line 4, key '" + key + "': " + problem);
  }

  @Test
  void theNetFlagSetsBothNetworkKeysAndItsErrorsNameIt() {
    assertThat(Setting.NET.key()).isEmpty();
    assertThat(Setting.NETWORK_MODE.flag()).isEqualTo(Optional.empty());
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NET, "allow=ok.example,bad host"))
        .hasMessageStartingWith(
            "--net: network allow-list entry 'bad host': 'bad host' is not a host name");
    SandboxPolicy p =
        new PolicySettings(dir).set(Setting.NET, "allow=example.com:443").resolve(Map.of());
    assertThat(p.network().mode()).isEqualTo(NetworkMode.ALLOW);
    assertThat(p.network().allow()).hasToString("[example.com:443]");
  }

  @Test
  void wildcardsBlocksAndDenyEntriesAreCheckedByTheRuleParserAndNamed() {
    SandboxPolicy p =
        new PolicySettings(dir)
            .set(Setting.NET, "allow=*.example.com,10.1.0.0/16:8080,registry.example.org")
            .set(Setting.NETWORK_DENY, "private.example.com")
            .set(Setting.NETWORK_DENY, "10.1.2.0/24")
            .resolve(Map.of());
    assertThat(p.network().rules())
        .containsExactly("*.example.com", "10.1.0.0/16:8080", "registry.example.org");
    assertThat(p.network().deny()).containsExactly("private.example.com", "10.1.2.0/24");
    // Only plain names reach the address-and-port form, with the default ports spelled out.
    assertThat(p.network().allow())
        .hasToString("[registry.example.org:80, registry.example.org:443]");
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NET, "allow=*.com"))
        .isInstanceOf(SandboxException.class)
        .hasMessageStartingWith("--net: network allow-list entry '*.com'");
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.NETWORK_DENY, "10.1.2.3/24"))
        .hasMessageStartingWith("--net-deny: network deny-list entry '10.1.2.3/24'")
        .hasMessageContaining("10.1.2.0/24");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir).set(Setting.NETWORK_DENY, "evil.example").resolve(Map.of()))
        .hasMessageStartingWith("--net-deny: deny entries [evil.example] need mode \"allow\"");
  }

  @Test
  void policyFilesTakeAllowAndDenyListsUnderNetwork() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("n.toml"),
            "version = 1\n[network]\nmode = \"allow\"\nallow = [\"*.example.com\"]\n"
                + "deny = [\"bad.example.com\", \"*.example.com:8443\"]\n");
    SandboxPolicy p = PolicySettings.load(file).resolve(Map.of());
    assertThat(p.network().rules()).containsExactly("*.example.com");
    assertThat(p.network().deny()).containsExactly("bad.example.com", "*.example.com:8443");
    Path bad =
        Files.writeString(
            dir.resolve("b.toml"),
            "version = 1\n[network]\nmode = \"allow\"\nallow = [\"a.example\"]\n"
                + "deny = [\"0.0.0.0/0\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(bad))
        .hasMessageStartingWith("policy file " + bad + " line 5, key 'network.deny': ");
  }

  @Test
  void publishedPortsComeFromTheFlagOrANetworkListOfNumbers() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("pub.toml"), "version = 1\n[network]\nmode = \"none\"\npublish = [8080]\n");
    PolicySettings fromFile = PolicySettings.load(file);
    assertThat(fromFile.resolve(Map.of()).network().publish()).containsExactly(8080);
    PolicySettings flags = new PolicySettings(dir).set(Setting.PUBLISH, "3000");
    assertThat(fromFile.overrideWith(flags).resolve(Map.of()).network().publish())
        .containsExactly(8080, 3000);
    assertThatThrownBy(() -> new PolicySettings(dir).set(Setting.PUBLISH, "65536"))
        .isInstanceOf(SandboxException.class)
        .hasMessage("--publish: must be at most 65535, got 65536");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir)
                    .set(Setting.PUBLISH, "80")
                    .set(Setting.PUBLISH, "80")
                    .resolve(Map.of()))
        .hasMessage("--publish: port 80 is given twice");
    assertThatThrownBy(
            () ->
                new PolicySettings(dir)
                    .set(Setting.NET, "all")
                    .set(Setting.PUBLISH, "8080")
                    .resolve(Map.of()))
        .isInstanceOfSatisfying(SandboxException.class, e -> assertThat(e.exitCode()).isEqualTo(2))
        .hasMessageStartingWith("--publish: published ports [8080] needs --net none or allow=");
    Path strings =
        Files.writeString(dir.resolve("s.toml"), "version = 1\n[network]\npublish = [\"8080\"]\n");
    assertThatThrownBy(() -> PolicySettings.load(strings))
        .hasMessageContaining("key 'network.publish'")
        .hasMessageContaining("must be a list of whole numbers, but holds the string \"8080\"");
  }

  @Test
  void allowEntriesWithAnotherModeNameTheKeyTheyCameFrom() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("p.yaml"),
            "version: 1\nnetwork:\n  mode: none\n  allow: [\"example.com:443\"]\n");
    PolicySettings s = PolicySettings.load(file);
    assertThatThrownBy(() -> s.resolve(Map.of()))
        .hasMessage(
            "policy file "
                + file
                + " line 4, key 'network.allow': allow entries [example.com:443] need mode"
                + " \"allow\", not \"none\"");
  }

  /** The module README's table lists every key and flag with its range. */
  @Test
  void theReadmeListsEverySetting() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting s : Setting.values()) {
      String row =
          "| "
              + s.key().map(k -> "`" + k + "`").orElse("")
              + " | "
              + s.flag().map(f -> "`" + f + "`").orElse("")
              + " | "
              + s.range()
              + " |";
      assertThat(readme).as(s.name()).contains(row);
    }
  }

  private static SandboxException catchInvalid(Runnable r) {
    try {
      r.run();
    } catch (SandboxException e) {
      assertThat(e.exitCode()).isEqualTo(SandboxException.EXIT_USAGE);
      return e;
    }
    throw new AssertionError("no error");
  }
}
