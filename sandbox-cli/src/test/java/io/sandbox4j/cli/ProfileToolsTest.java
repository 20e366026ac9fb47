package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.core.Sandbox;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Each profile makes its real tool work inside the sandbox with {@code --profile auto} and no other
 * flag: a tiny project of each kind is built and tested for real. A tool that is not installed is
 * skipped with that reason. The caller's own toolchains (PATH, HOME) are used, read-only: that is
 * what the profiles grant.
 */
class ProfileToolsTest {
  @TempDir Path ws;

  private final StringWriter err = new StringWriter();

  private static Optional<Path> onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private int run(String tool, String... command) {
    Assumptions.assumeTrue(onPath(tool).isPresent(), tool + " is not installed on this machine");
    Map<String, String> env = new HashMap<>(System.getenv());
    CommandLine cl = Main.commandLine(new CliContext(env, ws, Sandbox::create));
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    String[] args = new String[command.length + 3];
    args[0] = "run";
    args[1] = "--profile=auto";
    args[2] = "--";
    System.arraycopy(command, 0, args, 3, command.length);
    int exit = cl.execute(args);
    Assumptions.assumeFalse(exit == 125, "the sandbox cannot run here: " + err);
    return exit;
  }

  @Test
  void javaProfileRunsMaven() throws IOException {
    Files.writeString(ws.resolve("pom.xml"), "<project/>");
    assertThat(run("mvn", "sh", "-c", "mvn -v > out && java -version 2>> out"))
        .as("%s", err)
        .isZero();
    assertThat(Files.readString(ws.resolve("out"))).contains("Apache Maven");
  }

  @Test
  void nodeProfileRunsNpmTest() throws IOException {
    Files.writeString(
        ws.resolve("package.json"),
        "{\"name\":\"w\",\"version\":\"1.0.0\",\"scripts\":{\"test\":\"node --test > out\"}}");
    Files.writeString(
        ws.resolve("a.test.js"),
        "require('node:test')('ok', () => require('node:assert').strictEqual(1 + 1, 2));");
    assertThat(run("npm", "npm", "test")).as("%s", err).isZero();
    assertThat(Files.readString(ws.resolve("out"))).contains("pass 1");
  }

  @Test
  void pythonProfileRunsUnittest() throws IOException {
    Files.writeString(ws.resolve("pyproject.toml"), "[project]\nname = \"w\"\n");
    Files.writeString(
        ws.resolve("test_a.py"),
        "import unittest\nclass T(unittest.TestCase):\n    def test(self):\n"
            + "        with open('out', 'w') as f: f.write('ran')\n");
    assertThat(run("python3", "python3", "-m", "unittest", "-q")).as("%s", err).isZero();
    assertThat(ws.resolve("out")).hasContent("ran");
  }

  @Test
  void rustProfileRunsCargoTestOffline() throws IOException {
    Files.writeString(
        ws.resolve("Cargo.toml"),
        "[package]\nname = \"w\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    Files.createDirectories(ws.resolve("src"));
    Files.writeString(
        ws.resolve("src/lib.rs"),
        "#[test]\nfn t() { std::fs::write(\"out\", \"ran\").unwrap(); }\n");
    assertThat(run("cargo", "cargo", "test", "--offline", "-q")).as("%s", err).isZero();
    assertThat(ws.resolve("out")).hasContent("ran");
  }

  @Test
  void goProfileRunsGoTest() throws IOException {
    Files.writeString(ws.resolve("go.mod"), "module w\n\ngo 1.21\n");
    Files.writeString(
        ws.resolve("a_test.go"),
        "package w\nimport (\"os\"; \"testing\")\n"
            + "func TestA(t *testing.T) { os.WriteFile(\"out\", []byte(\"ran\"), 0o644) }\n");
    assertThat(run("go", "go", "test", "./...")).as("%s", err).isZero();
    assertThat(ws.resolve("out")).hasContent("ran");
  }
}
