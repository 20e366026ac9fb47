package io.sandbox4j.core.changes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class UnifiedDiffTest {
  @Test
  void oneChangedLineWithContext() {
    List<String> a = List.of("1", "2", "3", "4", "5", "6", "7", "8");
    List<String> b = List.of("1", "2", "3", "4", "FIVE", "6", "7", "8");
    assertThat(UnifiedDiff.hunks(a, b))
        .containsExactly("@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+FIVE", " 6", " 7", " 8");
  }

  @Test
  void distantChangesMakeTwoHunks() {
    List<String> a = IntStream.rangeClosed(1, 20).mapToObj(Integer::toString).toList();
    List<String> b =
        a.stream()
            .map(s -> s.equals("2") || s.equals("19") ? s + "x" : s)
            .collect(Collectors.toList());
    List<String> h = UnifiedDiff.hunks(a, b);
    assertThat(h.stream().filter(l -> l.startsWith("@@")))
        .containsExactly("@@ -1,5 +1,5 @@", "@@ -16,5 +16,5 @@");
  }

  @Test
  void additionAndDeletionOfWholeFiles() {
    assertThat(UnifiedDiff.hunks(List.of(), List.of("a", "b")))
        .containsExactly("@@ -0,0 +1,2 @@", "+a", "+b");
    assertThat(UnifiedDiff.hunks(List.of("a"), List.of())).containsExactly("@@ -1 +0,0 @@", "-a");
    assertThat(UnifiedDiff.hunks(List.of("a"), List.of("a"))).isEmpty();
  }

  @Test
  void statCountsRemovedAndAddedLines() {
    assertThat(UnifiedDiff.stat(List.of("a", "b", "c"), List.of("a", "x", "y", "c")))
        .containsExactly(1, 2);
  }
}
