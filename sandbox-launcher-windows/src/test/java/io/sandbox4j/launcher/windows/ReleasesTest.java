package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleasesTest {
  @Test
  void afterTheCommandEndedAnUndeletableTempDirectoryIsAWarningNotTheRunsFailure() {
    List<String> ran = new ArrayList<>();
    Releases owned = new Releases();
    owned.add(() -> ran.add("job"));
    owned.add(
        () -> {
          throw new java.io.UncheckedIOException(
              "cannot delete private temp C:\\t\\run-1 (left in place; delete it later)",
              new java.io.IOException("The process cannot access the file"));
        });
    owned.add(() -> ran.add("desktop"));
    assertThat(JobProcess.releaseAfterEnd(owned))
        .containsExactly(
            "cannot delete private temp C:\\t\\run-1 (left in place; delete it later):"
                + " java.io.IOException: The process cannot access the file");
    assertThat(ran).containsExactly("desktop", "job");
    assertThat(owned.isEmpty()).isTrue();
    owned.add(
        () -> {
          throw new IllegalStateException("CloseHandle failed");
        });
    assertThatThrownBy(owned::runAll)
        .as("what waitFor() used to throw")
        .hasMessage("CloseHandle failed");
  }

  @Test
  void runsEveryReleaseInReverseOrderEvenWhenOneFails() {
    List<String> ran = new ArrayList<>();
    Releases r = new Releases();
    r.add(() -> ran.add("job"));
    r.add(
        () -> {
          ran.add("token");
          throw new IllegalStateException("CloseHandle(token) failed");
        });
    r.add(
        () -> {
          ran.add("sid");
          throw new IllegalStateException("FreeSid failed");
        });
    assertThatThrownBy(r::runAll)
        .hasMessage("FreeSid failed")
        .satisfies(
            e ->
                assertThat(e.getSuppressed())
                    .extracting(Throwable::getMessage)
                    .containsExactly("CloseHandle(token) failed"));
    assertThat(ran).containsExactly("sid", "token", "job");
    assertThat(r.isEmpty()).isTrue();
  }

  @Test
  void aFailedLaunchKeepsItsCauseAndSuppressesReleaseFailures() {
    Releases r = new Releases();
    r.add(
        () -> {
          throw new IllegalStateException("CloseHandle failed");
        });
    RuntimeException cause = new RuntimeException("CreateProcessW failed");
    r.runAllSuppressedInto(cause);
    assertThat(cause.getSuppressed())
        .extracting(Throwable::getMessage)
        .containsExactly("CloseHandle failed");
    assertThat(r.isEmpty()).isTrue();
  }

  @Test
  void transferKeepsTheReleaseOrder() {
    List<String> ran = new ArrayList<>();
    Releases launch = new Releases();
    launch.add(() -> ran.add("job"));
    launch.add(() -> ran.add("session"));
    Releases owned = new Releases();
    launch.transferTo(owned);
    assertThat(launch.isEmpty()).isTrue();
    launch.runAll();
    assertThat(ran).isEmpty();
    owned.runAll();
    assertThat(ran).containsExactly("session", "job");
  }
}
