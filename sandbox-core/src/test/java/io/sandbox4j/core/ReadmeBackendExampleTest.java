package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.BackendProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root README's "Adding a backend" example is a backend module with no dependency but
 * sandbox-api: it compiles against the sandbox-api classes alone (no core, no Guice, no Jackson on
 * the class path), is found through its ServiceLoader registration and is selected by the engine.
 */
class ReadmeBackendExampleTest {
  @TempDir Path dir;

  @Test
  void theAddingABackendExampleCompilesAgainstTheApiAloneAndIsSelected() throws Exception {
    String source = exampleSource();
    Path src = dir.resolve("src/com/example/sandbox/MyBackendProvider.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Path classes = Files.createDirectories(dir.resolve("classes"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    boolean compiled =
        javac
            .getTask(
                diagnostics,
                null,
                null,
                List.of(
                    "-classpath",
                    apiClassPath(),
                    "-d",
                    classes.toString(),
                    "-proc:none",
                    "-Xlint:none"),
                null,
                javac
                    .getStandardFileManager(null, null, StandardCharsets.UTF_8)
                    .getJavaFileObjects(src.toFile()))
            .call();
    assertThat(compiled).as("javac against sandbox-api alone:%n%s", diagnostics).isTrue();

    Path services = classes.resolve("META-INF/services/" + BackendProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "com.example.sandbox.MyBackendProvider\n");

    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      List<BackendProvider> found =
          ServiceLoader.load(BackendProvider.class, loader).stream()
              .map(ServiceLoader.Provider::get)
              .filter(p -> p.getClass().getClassLoader() == loader)
              .toList();
      assertThat(found).hasSize(1);

      // the example enforces one feature; a fake of lower priority (a larger number) takes the
      // rest of the default policy, so the plan shows which isolator owns what
      java.util.EnumSet<Feature> rest = java.util.EnumSet.allOf(Feature.class);
      rest.remove(Feature.PROC_ENV_SCRUB);
      rest.remove(Feature.RES_TIMEOUT);
      FakeBackend others =
          new FakeBackend("others", 500)
              .isolator(
                  "all",
                  io.sandbox4j.api.spi.Availability.available(""),
                  rest.toArray(Feature[]::new));
      List<BackendProvider> providers = new java.util.ArrayList<>(found);
      providers.add(new FakeBackendProvider(others));
      SandboxPlan plan = Sandbox.create(providers).plan(SandboxPolicy.defaults(dir), List.of());
      assertThat(plan.coverage().get(Feature.FS_WRITE_CONFINEMENT).name())
          .isEqualTo("mine/filesystem");
    }
  }

  /** The one java block of the README's "Adding a backend" section. */
  private static String exampleSource() throws IOException {
    String readme = Files.readString(readme());
    int section = readme.indexOf("\n## Adding a backend");
    assertThat(section).as("README section").isPositive();
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find(section)).as("a java block in the section").isTrue();
    return m.group(1);
  }

  private static Path readme() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("README.md"))
          && Files.isDirectory(p.resolve("sandbox-api"))) {
        return p.resolve("README.md");
      }
    }
    throw new AssertionError("no repository README above " + here);
  }

  /** Where sandbox-api's classes are (its target/classes or its jar): the whole class path. */
  private static String apiClassPath() throws URISyntaxException {
    File api = new File(Feature.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertThat(api.getName())
        .satisfiesAnyOf(
            n -> assertThat(n).isEqualTo("classes"), n -> assertThat(n).startsWith("sandbox-api"));
    return api.getPath();
  }
}
