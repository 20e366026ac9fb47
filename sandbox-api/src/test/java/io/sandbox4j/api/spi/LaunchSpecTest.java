package io.sandbox4j.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.SandboxPolicy;
import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchSpecTest {
  @TempDir Path workspace;

  private LaunchSpec spec() {
    return new LaunchSpec(SandboxPolicy.defaults(workspace), List.of("true"), workspace, Map.of());
  }

  @Test
  void requireExtensionReturnsTheContributedOneAndRefusesWithTheCallersMessageOtherwise() {
    LaunchSpec spec = spec();
    assertThatThrownBy(() -> spec.requireExtension(StringBuilder.class, "no plan: nothing added"))
        .isInstanceOfSatisfying(
            SandboxException.class,
            e -> assertThat(e.exitCode()).isEqualTo(SandboxException.EXIT_CANNOT_SANDBOX))
        .hasMessage("no plan: nothing added");
    StringBuilder plan = spec.extension(StringBuilder.class, StringBuilder::new);
    assertThat(spec.requireExtension(StringBuilder.class, "unused")).isSameAs(plan);
  }

  @Test
  void redirectsArePipedByDefaultAndApplyToAProcessBuilderTogether() {
    LaunchSpec spec = spec();
    assertThat(spec.redirects()).isEqualTo(Redirects.PIPE);
    Redirect file = Redirect.appendTo(new File("out.log"));
    spec.redirects(new Redirects(Redirect.INHERIT, file, Redirect.DISCARD));
    ProcessBuilder pb = spec.redirects().applyTo(new ProcessBuilder("true"));
    assertThat(pb.redirectInput()).isEqualTo(Redirect.INHERIT);
    assertThat(pb.redirectOutput()).isEqualTo(file);
    assertThat(pb.redirectError()).isEqualTo(Redirect.DISCARD);
    assertThatThrownBy(() -> new Redirects(Redirect.PIPE, null, Redirect.PIPE))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("stdout");
  }
}
