package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.sandbox4j.api.ProcessPolicy;
import io.sandbox4j.api.SandboxException;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandLinesTest {
  private FileSystem windows;
  private Path tools;
  private Path ws;

  @BeforeEach
  void windowsFileSystem() throws IOException {
    windows = Jimfs.newFileSystem(Configuration.windows());
    tools = Files.createDirectories(windows.getPath("C:\\Program Files\\tools"));
    ws = Files.createDirectories(windows.getPath("C:\\work\\ws"));
  }

  @AfterEach
  void close() throws IOException {
    windows.close();
  }

  /** Arguments that have broken command-line quoting somewhere. */
  static final List<String> ADVERSARIAL =
      List.of(
          "",
          " ",
          "plain",
          "two words",
          "tab\there",
          "\"",
          "\"\"",
          "a\"b",
          "\\",
          "\\\\",
          "C:\\dir\\",
          "C:\\dir x\\",
          "trailing\\\"",
          "\\\"quoted\\\"",
          "a\\\\\"b",
          "\" & calc.exe & \"",
          "%PATH%",
          "!PATH!",
          "^",
          "a^&b",
          "(x)",
          "<in >out",
          "a|b",
          "100%",
          "\\\\?\\C:\\x.bat.",
          "ünïcödé ✓");

  @Test
  void everyAdversarialArgumentRoundTripsThroughCommandLineToArgvRules() {
    List<String> command = new ArrayList<>();
    command.add("C:\\Program Files\\tools\\tool.exe");
    command.addAll(ADVERSARIAL);
    String line = CommandLines.commandLine(command);
    assertThat(WindowsCommandLineRules.commandLineToArgv(line)).containsExactlyElementsOf(command);
    for (String a : ADVERSARIAL) {
      assertThat(WindowsCommandLineRules.commandLineToArgv(CommandLines.join(List.of("x", a))))
          .as("argument %s", a)
          .containsExactly("x", a);
    }
  }

  @Test
  void quotesLikeCommandLineToArgvW() {
    assertThat(CommandLines.join(List.of("tool.exe", "/c", "echo hi")))
        .isEqualTo("tool.exe /c \"echo hi\"");
    assertThat(CommandLines.join(List.of("a\"b"))).isEqualTo("\"a\\\"b\"");
    assertThat(CommandLines.join(List.of("C:\\dir x\\"))).isEqualTo("\"C:\\dir x\\\\\"");
    assertThat(CommandLines.join(List.of("C:\\plain\\"))).isEqualTo("C:\\plain\\");
    assertThat(CommandLines.join(List.of(""))).isEqualTo("\"\"");
    assertThatThrownBy(() -> CommandLines.join(List.of("a\0b")))
        .hasMessageContaining("NUL character");
  }

  private static final String CMD = "C:\\Windows\\system32\\cmd.exe";

  @Test
  void aCmdScriptReachesCmdVerbatimUnderTheSlashSRule() {
    // The rows: (what the caller passes after cmd.exe, the exact line cmd.exe gets).
    Object[][] table = {
      {List.of("/d", "/c", "echo hi"), CMD + " /d /s /c \"echo hi\""},
      {
        List.of("/d", "/c", "echo pwned>> \"C:\\a b\\config\""),
        CMD + " /d /s /c \"echo pwned>> \"C:\\a b\\config\"\""
      },
      {
        List.of("/c", "\"C:\\a b\\x.exe\" \"arg 1\""),
        CMD + " /s /c \"\"C:\\a b\\x.exe\" \"arg 1\"\""
      },
      {List.of("/D", "/S", "/C", "dir"), CMD + " /D /S /C \"dir\""},
      {List.of("/d", "/r", "dir"), CMD + " /d /s /r \"dir\""},
      {List.of("/d", "/v:off", "/c", "echo %CD%"), CMD + " /d /v:off /s /c \"echo %CD%\""},
      {
        List.of("/d", "/c", "echo", "a&b", "%PATH%"),
        CMD + " /d /v:off /s /c \"echo a^&b ^%PATH^%\""
      },
      {List.of("/d", "/c", "tool", "two words"), CMD + " /d /v:off /s /c \"tool ^\"two words^\"\""},
    };
    for (Object[] row : table) {
      @SuppressWarnings("unchecked")
      List<String> rest = (List<String>) row[0];
      List<String> command = new ArrayList<>(List.of(CMD));
      command.addAll(rest);
      String line = CommandLines.commandLine(command);
      assertThat(line).as("cmd line for %s", rest).isEqualTo(row[1]);
      String afterSwitch = line.substring(line.toLowerCase().indexOf("/s /") + 6);
      int c =
          rest.indexOf(
              rest.stream().filter(s -> s.matches("(?i)/[ckr]")).findFirst().orElseThrow());
      assertThat(WindowsCommandLineRules.cmdSlashC(afterSwitch, Map.of()).script())
          .as("cmd sees the script as typed")
          .startsWith(rest.get(c + 1));
    }
    assertThat(CommandLines.commandLine(List.of("C:\\x\\CMD.EXE.", "/c", "ver")))
        .as("cmd.exe recognised under any spelling Windows opens")
        .endsWith(" /s /c \"ver\"");
  }

  @Test
  void argumentsAfterACmdScriptReachTheProgramExactlyWhateverTheyContain() {
    Map<String, String> env = Map.of("PATH", "C:\\Windows", "CD", "C:\\work", "X^", "caret");
    for (String a : ADVERSARIAL) {
      String line = CommandLines.commandLine(List.of(CMD, "/d", "/c", "tool.exe", a));
      assertThat(line).contains(" /v:off /s /c ");
      String afterSwitch = line.substring(line.indexOf("/s /c ") + 6);
      WindowsCommandLineRules.CmdParse parsed = WindowsCommandLineRules.cmdSlashC(afterSwitch, env);
      assertThat(parsed.endedEarly()).as("cmd did not split %s", a).isFalse();
      assertThat(WindowsCommandLineRules.commandLineToArgv(parsed.command()))
          .as("the program gets %s", a)
          .containsExactly("tool.exe", a);
    }
  }

  @Test
  void theOldCrtQuotingWouldHaveBrokenTheCmdScript() {
    // What the launcher used to pass: cmd does not know \" and the redirection target breaks.
    String crt = CommandLines.join(List.of(CMD, "/d", "/c", "echo x>> \"C:\\a b\\f\""));
    String afterSwitch = crt.substring(crt.indexOf("/c ") + 3);
    assertThat(WindowsCommandLineRules.cmdSlashC(afterSwitch, Map.of()).script())
        .isNotEqualTo("echo x>> \"C:\\a b\\f\"");
    String fixed = CommandLines.commandLine(List.of(CMD, "/d", "/c", "echo x>> \"C:\\a b\\f\""));
    assertThat(
            WindowsCommandLineRules.cmdSlashC(
                    fixed.substring(fixed.indexOf("/s /c ") + 6), Map.of())
                .script())
        .isEqualTo("echo x>> \"C:\\a b\\f\"");
  }

  @Test
  void whatCmdCannotBeGivenSafelyIsRefused() {
    assertThatThrownBy(() -> CommandLines.commandLine(List.of(CMD, "/c", "echo a\r\ndel x")))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("line break");
    assertThatThrownBy(() -> CommandLines.commandLine(List.of(CMD, "/c", "echo \"open", "x")))
        .hasMessageContaining("leaves a quote open");
    assertThatThrownBy(
            () -> CommandLines.commandLine(List.of(CMD, "/v:on", "/c", "echo", "!PATH!")))
        .hasMessageContaining("would expand '!'");
    assertThat(CommandLines.commandLine(List.of(CMD, "/v:on", "/c", "echo", "a b")))
        .isEqualTo(CMD + " /v:on /s /c \"echo ^\"a b^\"\"");
    assertThatThrownBy(() -> CommandLines.commandLine(List.of(CMD, "/d")))
        .hasMessageContaining("needs /c");
    assertThatThrownBy(() -> CommandLines.commandLine(List.of(CMD, "/d & calc", "/c", "x")))
        .hasMessageContaining("switch '/d & calc'");
  }

  /** Names that all open a batch file, and must all be refused (BatBadBut). */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "x.bat",
        "x.BAT",
        "x.cmd",
        "x.CmD",
        "x.bat.",
        "x.bat ",
        "x.bat. . ",
        "x.bat::$DATA",
        "x.bat::$data",
        "x.cmd:stream:$DATA",
        "\\\\?\\C:\\dir\\x.bat",
        "\\\\.\\C:\\dir\\x.cmd.",
        "C:\\PROGRA~1\\tools\\RUN~1.BAT",
        "C:x.bat",
        "dir/x.bat"
      })
  void batchNamesAreRecognisedAsWindowsNormalisesThem(String name) {
    assertThat(CommandLines.isBatch(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"x.exe", "x.bat.exe", "x.batx", "x.bat\\y.exe", "bat", "x.cmd.com", "cmd.exe"})
  void otherNamesAreNotBatchFiles(String name) {
    assertThat(CommandLines.isBatch(name)).isFalse();
  }

  @Test
  void aBatchFileIsRefusedUnderEveryNameThatReachesIt() throws IOException {
    Files.createFile(tools.resolve("run.bat"));
    Files.createFile(tools.resolve("evil.bat."));
    Files.createFile(tools.resolve("npm"));
    Files.createFile(tools.resolve("npm.cmd"));
    Map<String, String> env = Map.of("Path", tools.toString());
    for (String command :
        List.of(
            "run",
            "RUN.BAT",
            "run.bat.",
            "evil.bat.",
            "npm",
            tools + "\\run.bat",
            tools.toString().toLowerCase() + "\\RUN.bat")) {
      assertThatThrownBy(() -> CommandLines.executable(command, env, null, ws))
          .as(command)
          .isInstanceOf(SandboxException.class)
          .hasMessageContaining("is a batch file: run it explicitly as cmd.exe /d /c");
    }
  }

  @Test
  void pathextComesBeforeTheBareNameAndOrderFollowsPathext() throws IOException {
    Files.createFile(tools.resolve("npm"));
    Files.createFile(tools.resolve("npm.cmd"));
    Files.createFile(tools.resolve("git.exe"));
    Files.createFile(tools.resolve("git.com"));
    Files.createFile(tools.resolve("python3.11.exe"));
    String path = tools.toString();
    assertThat(CommandLines.resolve("npm", ws, path, ".COM;.EXE;.BAT;.CMD"))
        .contains(tools.resolve("npm.cmd"));
    assertThat(CommandLines.resolve("git", ws, path, ".EXE;.COM"))
        .contains(tools.resolve("git.exe"));
    assertThat(CommandLines.resolve("git", ws, path, null)).contains(tools.resolve("git.com"));
    assertThat(CommandLines.resolve("python3.11", ws, path, ".EXE"))
        .as("a dotted name without a matching file gets PATHEXT too")
        .contains(tools.resolve("python3.11.exe"));
    assertThat(CommandLines.resolve("GIT.EXE", ws, path, ".EXE"))
        .as("names are case-insensitive")
        .isPresent();
  }

  @Test
  void relativeCommandsResolveAgainstTheSandboxWorkingDirectory() throws IOException {
    Files.createDirectories(ws.resolve("bin"));
    Files.createFile(ws.resolve("bin\\tool.exe"));
    assertThat(CommandLines.resolve("bin\\tool.exe", ws, null, null))
        .contains(ws.resolve("bin\\tool.exe"));
    assertThat(CommandLines.resolve(".\\bin\\tool", ws, null, ".EXE"))
        .contains(ws.resolve(".\\bin\\tool.exe"));
    assertThat(CommandLines.resolve("bin/tool.exe", tools, null, null))
        .as("not the JVM's directory, nor any other")
        .isEmpty();
    assertThat(CommandLines.executable(".\\bin\\tool.exe", Map.of(), null, ws))
        .isEqualTo("C:\\work\\ws\\bin\\tool.exe");
    for (String driveRelative : List.of("C:tool.exe", "\\tool.exe")) {
      assertThatThrownBy(() -> CommandLines.resolve(driveRelative, ws, null, null))
          .hasMessageContaining("relative to a drive's current directory or root");
    }
  }

  @Test
  void pathIsFoundUnderAnyCaseAndRelativePathEntriesAreSkipped() throws IOException {
    Files.createFile(tools.resolve("tool.exe"));
    Files.createDirectories(ws.resolve("rel"));
    Files.createFile(ws.resolve("rel\\tool.exe"));
    for (String name : List.of("PATH", "Path", "path")) {
      assertThat(CommandLines.executable("tool", Map.of(name, "rel;" + tools), null, ws))
          .isEqualTo(tools.resolve("tool.exe").toString());
    }
    assertThat(CommandLines.executable("tool", Map.of(), "\"" + tools + "\"", ws))
        .as("the caller's PATH, quoted entry")
        .isEqualTo(tools.resolve("tool.exe").toString());
  }

  @Test
  void environmentBlockIsSortedByUpperCaseOrdinalAndDoubleNulTerminated() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("b", "2");
    env.put("_under", "3");
    env.put("A", "1");
    env.put("Z", "4");
    env.put("a_b", "5");
    env.put("AB", "6");
    // Upper case: '_' (0x5F) sorts after 'Z' (0x5A); lower case would put it before 'a'.
    assertThat(new String(CommandLines.environmentBlock(env)))
        .isEqualTo("A=1\0AB=6\0a_b=5\0b=2\0Z=4\0_under=3\0\0");
    assertThat(new String(CommandLines.environmentBlock(Map.of()))).isEqualTo("\0\0");
    assertThatThrownBy(() -> CommandLines.environmentBlock(Map.of("X=Y", "1")))
        .hasMessage("invalid environment variable name 'X=Y'");
    Map<String, String> twice = new LinkedHashMap<>();
    twice.put("Temp", "a");
    twice.put("TEMP", "b");
    assertThatThrownBy(() -> CommandLines.environmentBlock(twice))
        .hasMessageContaining("differ only in case");
    CommandLines.put(twice, "TMP", "c");
    CommandLines.put(twice, "temp", "d");
    assertThat(twice).containsOnlyKeys("TMP", "temp");
  }

  @Test
  void windowsPathAndTheEssentialsSurviveTheScrub() {
    Map<String, String> caller = new LinkedHashMap<>();
    caller.put("Path", "C:\\Windows\\system32;C:\\Windows");
    caller.put("SYSTEMROOT", "C:\\Windows");
    caller.put("ComSpec", "C:\\Windows\\system32\\cmd.exe");
    caller.put("PATHEXT", ".COM;.EXE");
    caller.put("USERPROFILE", "C:\\Users\\u");
    caller.put("APPDATA", "C:\\Users\\u\\AppData\\Roaming");
    caller.put("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local");
    caller.put("GITHUB_TOKEN", "secret");
    ProcessPolicy process = ProcessPolicy.defaults();
    // On Windows System.getenv() is case-sensitive as a Map: the policy's PATH misses Path.
    Map<String, String> scrubbed = process.environmentFrom(caller);
    assertThat(scrubbed).doesNotContainKey("Path");
    Map<String, String> env = CommandLines.withEssentials(scrubbed, caller, process.envPass());
    assertThat(env)
        .containsEntry("Path", "C:\\Windows\\system32;C:\\Windows")
        .containsEntry("SYSTEMROOT", "C:\\Windows")
        .containsEntry("ComSpec", "C:\\Windows\\system32\\cmd.exe")
        .containsEntry("PATHEXT", ".COM;.EXE")
        .containsEntry("USERPROFILE", "C:\\Users\\u")
        .containsEntry("APPDATA", "C:\\Users\\u\\AppData\\Roaming")
        .containsEntry("LOCALAPPDATA", "C:\\Users\\u\\AppData\\Local")
        .doesNotContainKey("GITHUB_TOKEN");
    Map<String, String> own =
        CommandLines.withEssentials(Map.of("comspec", "mine"), caller, process.envPass());
    assertThat(own).containsEntry("comspec", "mine").doesNotContainKey("ComSpec");
    assertThat(CommandLines.lookup(env, "path")).contains("C:\\Windows\\system32;C:\\Windows");
    assertThat(new String(CommandLines.environmentBlock(env))).contains("Path=C:\\Windows");
  }
}
