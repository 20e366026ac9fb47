package io.sandbox4j.launcher.windows;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What a launch must free (handles, SIDs, descriptors, sessions, directories), run in reverse order
 * of acquisition. Each failure is kept and none stops the others, so one handle that cannot be
 * closed never leaks the rest. Pure Java: tested on any OS.
 */
final class Releases {
  private final Deque<Runnable> steps = new ArrayDeque<>();

  void add(Runnable r) {
    steps.push(r);
  }

  /**
   * Runs every pending release, last added first; rethrows the first failure, others suppressed.
   */
  void runAll() {
    RuntimeException first = null;
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /**
   * As {@link #runAll()}, but for the clean-up after a command has ended: nothing is thrown, each
   * failure comes back as a warning line (the command's result stands whatever its clean-up does: a
   * private temp directory that antivirus or a delete-pending file keeps is no failure of the run).
   */
  List<String> runAllAsWarnings() {
    List<String> warnings = new ArrayList<>();
    while (!steps.isEmpty()) {
      try {
        steps.pop().run();
      } catch (RuntimeException e) {
        warnings.add(e.getMessage() + (e.getCause() == null ? "" : ": " + e.getCause()));
      }
    }
    return List.copyOf(warnings);
  }

  /**
   * As {@link #runAll()}, but a failure is added to {@code failure} instead of thrown: for the
   * clean-up of a launch that has already failed.
   */
  void runAllSuppressedInto(Throwable failure) {
    try {
      runAll();
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /**
   * Moves every pending release to {@code target} (ownership passes to the running process), in the
   * same order and ahead of what {@code target} already holds.
   */
  void transferTo(Releases target) {
    while (!steps.isEmpty()) {
      target.steps.push(steps.pollLast());
    }
  }

  boolean isEmpty() {
    return steps.isEmpty();
  }
}
