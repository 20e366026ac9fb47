package io.sandbox4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Windows workflow runs every module's tests, so a test that builds a policy from {@code
 * Path.of("/work")} (no drive: not absolute on Windows) or runs {@code /bin/sh} stops the build
 * before the conformance catalogue is reached (issue 11). This scans every test class of every
 * module and fails on an absolute Unix path literal in a class that is not guarded with
 * {@code @EnabledOnOs(... LINUX ...)} or {@code @DisabledOnOs(... WINDOWS ...)}.
 *
 * <p>Deliberately narrow: it sees string literals that are absolute paths under the well-known Unix
 * roots and {@code Path.of("/...")}-style constructions, not commands looked up by name ({@code
 * "sh", "-c"}) nor POSIX-only APIs; those are reviewed by hand. Helper classes without tests
 * (fakes, fixtures) are not scanned: they are only as portable as the tests that use them.
 */
class PortableTestSourcesTest {
  /** A string literal that is an absolute path beneath a well-known Unix root. */
  private static final Pattern UNIX_PATH_LITERAL =
      Pattern.compile(
          "\"/(?:bin|sbin|usr|tmp|proc|sys|etc|dev|home|root|var|opt|run|lib|lib64|mnt|srv|work"
              + "|nonexistent|no)(?:[/:][^\"]*)?\"");

  /** {@code Path.of("/x")}, {@code Paths.get("/x")}, {@code new File("/x")}: any absolute root. */
  private static final Pattern UNIX_PATH_CONSTRUCTION =
      Pattern.compile("(?:Path\\.of|Paths\\.get|new File)\\(\\s*\"/");

  private static final Pattern TEST_ANNOTATION =
      Pattern.compile("@(?:Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");

  private static final Pattern TOP_LEVEL_CLASS =
      Pattern.compile(
          "^(?:public |final |abstract )*(?:class|interface|record) \\w+", Pattern.MULTILINE);

  private static final Pattern LINUX_GUARD =
      Pattern.compile(
          "@EnabledOnOs\\((?:[^)]*\\bOS\\.)?LINUX\\b[^)]*\\)|@DisabledOnOs\\((?:[^)]*\\bOS\\.)?WINDOWS\\b[^)]*\\)");

  /**
   * Test classes allowed to use Unix path literals without a guard (none today). Each entry must
   * still offend: once fixed, remove it here (the test says so).
   */
  private static final List<String> KNOWN_ELSEWHERE = List.of();

  private static Path projectRoot;

  @BeforeAll
  static void findTheProjectRoot() {
    Path here = Path.of("").toAbsolutePath();
    while (here != null && !Files.isRegularFile(here.resolve("mvnw"))) {
      here = here.getParent();
    }
    assertThat(here).as("the project root (the directory holding mvnw)").isNotNull();
    projectRoot = here;
  }

  /**
   * Offending lines per test source, by path relative to the project root ({@code /}-separated).
   */
  static Map<String, List<String>> offenders(Path root) throws IOException {
    Map<String, List<String>> found = new TreeMap<>();
    try (Stream<Path> modules = Files.list(root)) {
      for (Path module :
          modules.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).toList()) {
        try (Stream<Path> files = Files.walk(module.resolve("src/test/java"))) {
          for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
            List<String> lines = offendingLines(Files.readString(file));
            if (!lines.isEmpty()) {
              found.put(root.relativize(file).toString().replace('\\', '/'), lines);
            }
          }
        }
      }
    }
    return found;
  }

  /** The lines of one source that use Unix path literals outside a Linux guard. */
  static List<String> offendingLines(String source) {
    if (!TEST_ANNOTATION.matcher(source).find()) {
      return List.of();
    }
    Matcher cls = TOP_LEVEL_CLASS.matcher(source);
    String header = cls.find() ? source.substring(0, cls.start()) : "";
    if (LINUX_GUARD.matcher(header).find()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
        continue;
      }
      if (UNIX_PATH_LITERAL.matcher(line).find() || UNIX_PATH_CONSTRUCTION.matcher(line).find()) {
        out.add((i + 1) + ": " + line);
      }
    }
    return out;
  }

  @Test
  void noUnguardedTestUsesAnAbsoluteUnixPathLiteral() throws IOException {
    Map<String, List<String>> found = offenders(projectRoot);
    KNOWN_ELSEWHERE.forEach(found::remove);
    assertThat(found)
        .as(
            "tests outside a class guarded @EnabledOnOs(value = OS.LINUX, disabledReason = ...)"
                + " that use absolute Unix paths; build paths from a @TempDir or"
                + " Path.of(\"\").toAbsolutePath().getRoot(), and commands from the platform")
        .isEmpty();
  }

  @Test
  void everyKnownExceptionStillNeedsToBeOne() throws IOException {
    Map<String, List<String>> found = offenders(projectRoot);
    for (String known : KNOWN_ELSEWHERE) {
      if (Files.exists(projectRoot.resolve(known))) {
        assertThat(found)
            .as("%s is portable now: remove it from KNOWN_ELSEWHERE", known)
            .containsKey(known);
      }
    }
  }

  @Test
  void theScanSeesWhatItIsMeantToSee() {
    // Written with ' for " so that this file does not match its own patterns.
    String unguarded =
        q(
            """
            package x;
            class ATest {
              @Test
              void t() {
                // Path.of('/in/a/comment') is fine
                run(List.of('/bin/sh', '-c', 'true'));
                Path ws = Path.of('/work/project');
                String url = '/api/v1';
              }
            }
            """);
    assertThat(offendingLines(unguarded))
        .containsExactly(
            q("6: run(List.of('/bin/sh', '-c', 'true'));"),
            q("7: Path ws = Path.of('/work/project');"));
    String body = unguarded.replace("package x;\n", "");
    assertThat(offendingLines(q("@EnabledOnOs(value = OS.LINUX, disabledReason = 'x')\n") + body))
        .isEmpty();
    assertThat(offendingLines("@DisabledOnOs(OS.WINDOWS)\n" + body)).isEmpty();
    assertThat(offendingLines("@EnabledOnOs(OS.WINDOWS)\n" + body)).hasSize(2);
    String helper = q("class Fake {\n  static final Path P = Path.of('/usr/bin/prlimit');\n}\n");
    assertThat(offendingLines(helper)).as("helpers without tests are not scanned").isEmpty();
  }

  private static String q(String s) {
    return s.replace('\'', '"');
  }
}
