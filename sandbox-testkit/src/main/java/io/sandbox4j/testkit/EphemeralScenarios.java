package io.sandbox4j.testkit;

import static io.sandbox4j.api.Feature.FS_EPHEMERAL;
import static io.sandbox4j.testkit.Platform.LINUX;
import static io.sandbox4j.testkit.ScenarioContext.excerpt;

import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.api.spi.Redirects;
import io.sandbox4j.core.SandboxExecution;
import io.sandbox4j.core.SandboxResult;
import io.sandbox4j.core.changes.ChangeSet;
import io.sandbox4j.core.changes.ChangeSets;
import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Ephemeral workspaces (issue 14): what the command does lands in a change set, never in the real
 * tree, until the change set is applied; apply reproduces the tree the command saw, refuses
 * conflicts and protected paths with nothing written; discard leaves no trace.
 */
final class EphemeralScenarios implements ScenarioGroup {
  /**
   * Prints the tree as the command sees it, one line per entry: path, type and permission bits,
   * then a link's target or a file's checksum. Run inside (the tree the command saw) and on the
   * host after apply (the real tree), by the same shell and tools.
   */
  static final String MANIFEST =
      "find . -mindepth 1 \\( -path ./"
          + ScenarioContext.PROBE_DIR
          + " -o -path ./.tmp \\) -prune -o -print | LC_ALL=C sort | while IFS= read -r p; do"
          + " if [ -L \"$p\" ]; then echo \"$p link $(readlink \"$p\")\";"
          + " elif [ -d \"$p\" ]; then echo \"$p dir $(stat -c %a \"$p\")\";"
          + " else echo \"$p file $(stat -c %a \"$p\") $(cksum < \"$p\")\"; fi; done";

  @Override
  public void declare(ScenarioTable table) {
    table
        .judging(LINUX, FS_EPHEMERAL)
        .row(
            "ephemeralChangesReachTheTreeOnlyWhenApplied",
            "writes, deletions, renames, new directories, chmod, symlinks and hard links leave the"
                + " real tree as it was; apply then makes it the tree the command saw (compared"
                + " entry by entry: type, mode, content, link target)",
            EphemeralScenarios::changesReachTheTreeOnlyWhenApplied)
        .row(
            "ephemeralRmRfOfTheWorkspaceIsReversible",
            "`rm -rf` of everything in the workspace leaves it untouched; the diff shows the"
                + " deletions and apply makes them",
            EphemeralScenarios::rmRfIsReversible)
        .row(
            "ephemeralApplyRefusesConflictsAndProtectedPaths",
            "a change set touching .sandbox4j is refused unless allowed, one whose real file"
                + " changed after the run started is refused as a conflict; both write nothing",
            EphemeralScenarios::applyRefuses)
        .row(
            "ephemeralDiscardLeavesNoTrace",
            "discard removes the layer; the real tree and the change set store are as before the"
                + " run, and a later run can continue an unapplied change set (--on)",
            EphemeralScenarios::discardAndContinue)
        .row(
            "ephemeralChangeSetIsFreeOnceTheRunHasEnded",
            "a library caller applies or discards the change set as soon as waitFor returns,"
                + " before closing the execution (the run's hold on the layer ends with its tree)",
            EphemeralScenarios::freeOnceEnded);
  }

  private static void freeOnceEnded(ScenarioContext ctx) throws Exception {
    Map<String, String> before = seed(ctx);
    try (SandboxExecution ex =
        ctx.start(
            ctx.policy().ephemeral(EphemeralWorkspace.FRESH).build(),
            ctx.sh("echo new > fresh.txt"),
            new Redirects(Redirect.PIPE, Redirect.DISCARD, Redirect.DISCARD))) {
      ex.stdin().close();
      SandboxResult r = ex.waitFor();
      ChangeSet cs = changeSet(ctx, r);
      ctx.closeLater(cs::discard);
      ctx.check(cs.changes().size() == 1, "the change set does not hold the one new file");
      cs.discard();
      ctx.check(
          snapshot(ctx.workspace()).equals(before), "discard before close changed the real tree");
    }
  }

  private static ChangeSets store(ScenarioContext ctx) throws IOException {
    Path cache = Files.createDirectories(ctx.outside().resolve("cache"));
    ctx.callerEnvironment().put("XDG_CACHE_HOME", cache.toString());
    return ChangeSets.forUser(ctx.callerEnvironment());
  }

  /** A private change-set store for the scenario and a seeded workspace; its snapshot. */
  private static Map<String, String> seed(ScenarioContext ctx)
      throws IOException, InterruptedException {
    store(ctx);
    Path ws = ctx.workspace();
    Files.writeString(ws.resolve("keep.txt"), "keep\n");
    Files.writeString(ws.resolve("edit.txt"), "one\ntwo\nthree\n");
    Files.writeString(ws.resolve("gone.txt"), "gone\n");
    Files.writeString(ws.resolve("move.txt"), "move\n");
    Files.createDirectories(ws.resolve("dir/sub"));
    Files.writeString(ws.resolve("dir/sub/deep.txt"), "deep\n");
    Files.writeString(ws.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    Files.createSymbolicLink(ws.resolve("link"), Path.of("keep.txt"));
    Files.write(ws.resolve("blob.bin"), new byte[] {0, 1, 2, 3, 0});
    // A change set's start is taken 50 ms early (file times come from the kernel's coarse
    // clock): a tree written just before the run would count as changed since, a conflict.
    Thread.sleep(150);
    return snapshot(ws);
  }

  /** Every entry of the real tree: type, mode, content or target (the probe excluded). */
  static Map<String, String> snapshot(Path ws) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(ws)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String rel = ws.relativize(p).toString();
        if (rel.isEmpty() || rel.startsWith(ScenarioContext.PROBE_DIR)) {
          continue;
        }
        String v;
        if (Files.isSymbolicLink(p)) {
          v = "link " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p)) {
          v = "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } else {
          v =
              "file "
                  + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                  + " "
                  + java.util.Arrays.hashCode(Files.readAllBytes(p));
        }
        out.put(rel, v);
      }
    }
    return out;
  }

  private static SandboxResult runEphemeral(
      ScenarioContext ctx, EphemeralWorkspace e, String script) {
    return ctx.run(ctx.policy().ephemeral(e).build(), ctx.sh(script));
  }

  private static ChangeSet changeSet(ScenarioContext ctx, SandboxResult r) {
    ctx.check(r.changeSet().isPresent(), "an ephemeral run returned no change set");
    return r.changeSet().get();
  }

  private static String hostManifest(ScenarioContext ctx) throws Exception {
    Process p =
        new ProcessBuilder("/bin/sh", "-c", MANIFEST)
            .directory(ctx.workspace().toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static void changesReachTheTreeOnlyWhenApplied(ScenarioContext ctx) throws Exception {
    Path ws = ctx.workspace();
    Map<String, String> before = seed(ctx);
    SandboxResult r =
        runEphemeral(
            ctx,
            EphemeralWorkspace.FRESH,
            "set -e; printf 'one\\nTWO\\nthree\\nfour\\n' > edit.txt; rm gone.txt;"
                + " mv move.txt moved.txt; mv dir dir2; mkdir -p new/a/b; echo n > new/a/b/n.txt;"
                + " chmod 700 script.sh; chmod 600 keep.txt; ln -s moved.txt newlink;"
                + " ln -sf edit.txt link; ln keep.txt hard.txt; echo via-link >> hard.txt;"
                + " echo ok-ran >&2; "
                + MANIFEST);
    ctx.check(
        r.exitCode() == 0 && r.stderrText().contains("ok-ran"),
        "the command did not run through: " + excerpt(r));
    ChangeSet cs = changeSet(ctx, r);
    ctx.closeLater(cs::discard);
    ctx.check(
        snapshot(ws).equals(before),
        "the real workspace changed before apply: " + diff(before, snapshot(ws)));
    String diff = cs.diff();
    ctx.check(
        diff.contains("+TWO") && diff.contains("-two") && diff.contains("Binary files") == false,
        "the diff does not show the edit: " + diff);
    cs.apply(false);
    String seen = r.stdoutText();
    String now = hostManifest(ctx);
    ctx.check(
        now.equals(seen),
        "after apply the tree is not what the command saw:\nseen:\n" + seen + "\nnow:\n" + now);
  }

  private static void rmRfIsReversible(ScenarioContext ctx) throws Exception {
    Path ws = ctx.workspace();
    Map<String, String> before = seed(ctx);
    SandboxResult r =
        runEphemeral(
            ctx, EphemeralWorkspace.FRESH, "rm -rf ./* && ls -A | grep -v '^\\.' ; echo done-rm");
    ctx.check(r.stdoutText().contains("done-rm"), "rm -rf did not run: " + excerpt(r));
    ChangeSet cs = changeSet(ctx, r);
    ctx.closeLater(cs::discard);
    ctx.check(snapshot(ws).equals(before), "rm -rf reached the real workspace");
    String diff = cs.diff();
    ctx.check(
        diff.contains("-one")
            && diff.contains("+++ /dev/null")
            && diff.contains("dir/sub/deep.txt"),
        "the diff does not show the deletions: " + diff);
    ctx.check(diff.contains("Binary files a/blob.bin"), "a binary file is not named: " + diff);
    cs.apply(false);
    Map<String, String> after = snapshot(ws);
    after.keySet().removeIf(k -> k.equals(".tmp") || k.startsWith(".tmp/"));
    ctx.check(after.isEmpty(), "apply left entries the command deleted: " + after.keySet());
  }

  private static void applyRefuses(ScenarioContext ctx) throws Exception {
    Path ws = ctx.workspace();
    seed(ctx);
    SandboxResult r =
        runEphemeral(
            ctx,
            EphemeralWorkspace.FRESH,
            "echo changed > edit.txt; echo new > added.txt; mkdir -p .sandbox4j;"
                + " echo planted > .sandbox4j/policy.toml; echo ran");
    ChangeSet cs = changeSet(ctx, r);
    ctx.closeLater(cs::discard);
    Map<String, String> before = snapshot(ws);
    refused(ctx, cs, false, ".sandbox4j/policy.toml");
    ctx.check(snapshot(ws).equals(before), "a refused apply wrote into the workspace");
    // the real file changes after the run started: a conflict, even with protected paths allowed
    Thread.sleep(20);
    Files.writeString(ws.resolve("edit.txt"), "edited by the user\n");
    before = snapshot(ws);
    refused(ctx, cs, true, "edit.txt (changed since the run started)");
    ctx.check(snapshot(ws).equals(before), "an apply refused for a conflict wrote something");
    ctx.check(!Files.exists(ws.resolve("added.txt")), "a refused apply added a file");
  }

  private static void refused(ScenarioContext ctx, ChangeSet cs, boolean allow, String named) {
    try {
      cs.apply(allow);
      ctx.fail("apply was not refused (expected it to name " + named + ")");
    } catch (SandboxException e) {
      ctx.check(
          e.exitCode() == ChangeSet.EXIT_REFUSED && e.getMessage().contains(named),
          "the refusal does not name " + named + ": " + e.getMessage());
    }
  }

  private static void discardAndContinue(ScenarioContext ctx) throws Exception {
    Path ws = ctx.workspace();
    Map<String, String> before = seed(ctx);
    ChangeSets store = ChangeSets.forUser(ctx.callerEnvironment());
    SandboxResult first =
        runEphemeral(ctx, EphemeralWorkspace.FRESH, "echo first > first.txt; rm keep.txt");
    ChangeSet cs = changeSet(ctx, first);
    SandboxResult second =
        runEphemeral(
            ctx,
            EphemeralWorkspace.on(cs.id()),
            "cat first.txt; test -e keep.txt || echo keep-gone; echo second > second.txt");
    ctx.check(
        second.stdoutText().contains("first") && second.stdoutText().contains("keep-gone"),
        "a run --on the change set did not see the earlier run's layer: " + excerpt(second));
    List<String> paths = new ArrayList<>();
    cs.changes().forEach(c -> paths.add(c.toString()));
    ctx.check(
        paths.containsAll(List.of("A first.txt", "A second.txt", "D keep.txt")),
        "the change set does not hold both runs' changes: " + paths);
    cs.discard();
    ctx.check(snapshot(ws).equals(before), "the real workspace changed: " + snapshot(ws));
    ctx.check(
        !Files.exists(cs.directory()) && store.list().isEmpty(),
        "discard left " + cs.directory() + " or other change sets: " + store.list());
  }

  private static String diff(Map<String, String> a, Map<String, String> b) {
    List<String> out = new ArrayList<>();
    for (String k : a.keySet()) {
      if (!a.get(k).equals(b.get(k))) {
        out.add(k + ": " + a.get(k) + " -> " + b.get(k));
      }
    }
    b.keySet().stream().filter(k -> !a.containsKey(k)).forEach(k -> out.add(k + ": added"));
    return String.join("; ", out);
  }
}
