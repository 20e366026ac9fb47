package io.sandbox4j.backend.landlock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.Availability;
import io.sandbox4j.api.spi.Isolator;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.launcher.linux.NativeLaunch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Applies the Landlock ruleset for real through the native launcher and judges from outside: files
 * outside the workspace stay unchanged, denied content never reaches stdout, outside processes keep
 * running with their environment unread.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class LandlockEnforcementTest {
  static final Duration TIMEOUT = Duration.ofSeconds(20);
  static final String SECRET = "SECRET-KEY-do-not-leak-7f3a";

  @TempDir Path root;
  Path ws;
  Path home;
  Path outside;
  LandlockBackend backend;

  @BeforeEach
  void setUp() throws Exception {
    backend = new LandlockBackend(NativeLaunch.host());
    Availability fs = isolator("filesystem").probe();
    assumeTrue(fs.available(), "Landlock unavailable here: " + fs.detail());
    ws = Files.createDirectories(root.resolve("ws"));
    home = Files.createDirectories(root.resolve("home"));
    outside = Files.createDirectories(root.resolve("outside"));
    Files.createDirectories(home.resolve(".ssh"));
    Files.writeString(home.resolve(".ssh/id_ed25519"), SECRET);
    Files.writeString(home.resolve("notes.txt"), "readable-notes");
    Files.writeString(outside.resolve("f"), "orig");
  }

  Isolator isolator(String id) {
    return backend.isolators().stream().filter(i -> i.id().equals(id)).findFirst().orElseThrow();
  }

  SandboxPolicy policy() {
    return SandboxPolicy.builder(ws)
        .denyCredentialStores(false, Map.of())
        .denyRead(home.resolve(".ssh"))
        .network(NetworkPolicy.NONE)
        .build();
  }

  NativeLaunch.Result run(String script, String... isolators) throws Exception {
    SandboxPolicy p = policy();
    LaunchSpec spec =
        new LaunchSpec(
            p,
            List.of("/bin/sh", "-c", script),
            ws,
            Map.of(
                "PATH",
                "/usr/local/bin:/usr/bin:/bin",
                "OUT",
                outside.toString(),
                "H",
                home.toString()));
    for (String id : isolators) {
      isolator(id).contribute(p, isolator(id).requiredBy(p), spec);
    }
    return NativeLaunch.run(spec, TIMEOUT);
  }

  @Test
  void nothingOutsideTheWorkspaceChangesByAnyWriteLinkOrRename() throws Exception {
    assumeTrue(
        isolator("filesystem").features().contains(io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT),
        "write confinement needs Landlock ABI 3");
    NativeLaunch.Result r =
        run(
            "echo x > \"$OUT/new\"; echo y >> \"$OUT/f\"; truncate -s 0 \"$OUT/f\";"
                + " mkdir \"$OUT/d\"; ln \"$OUT/f\" hl; mv \"$OUT/f\" moved; ln -s \"$OUT/f\" sl;"
                + " echo y > sl; echo inside > in.txt; mkdir -p a/b && mv in.txt a/b/in.txt;"
                + " ln a/b/in.txt linked; exit 0",
            "filesystem");
    assertThat(r.exit()).isZero();
    assertThat(outside).isDirectoryNotContaining(p -> !p.getFileName().toString().equals("f"));
    assertThat(Files.readString(outside.resolve("f"))).isEqualTo("orig");
    assertThat(ws.resolve("hl")).doesNotExist();
    // mv across mounts falls back to copy-and-unlink: a copy may appear (reading f is allowed), the
    // original must stay where it was.
    assertThat(outside.resolve("f")).hasContent("orig");
    // Inside the workspace everything works, cross-directory renames and links included.
    assertThat(Files.readString(ws.resolve("a/b/in.txt"))).isEqualTo("inside\n");
    assertThat(Files.readString(ws.resolve("linked"))).isEqualTo("inside\n");
  }

  @Test
  void deniedContentNeverReachesStdoutWhateverThePathSpelling() throws Exception {
    Files.createSymbolicLink(ws.resolve("keys"), home.resolve(".ssh"));
    NativeLaunch.Result r =
        run(
            "cat \"$H/.ssh/id_ed25519\"; cat keys/id_ed25519; cat \"$H/../home/.ssh/id_ed25519\";"
                + " cat /proc/self/root\"$H/.ssh/id_ed25519\"; ln \"$H/.ssh/id_ed25519\" hard;"
                + " cat hard; cp -r \"$H/.ssh\" copy; ls \"$H/.ssh\"; cat \"$H/notes.txt\"",
            "filesystem");
    assertThat(r.stdout()).doesNotContain(SECRET).contains("readable-notes");
    assertThat(r.stdout()).doesNotContain("id_ed25519");
    assertThat(ws.resolve("hard")).doesNotExist();
  }

  @Test
  void outsideProcessesCanBeNeitherSignalledNorInspected() throws Exception {
    Availability a = isolator("process").probe();
    assumeTrue(a.available(), a.detail());
    ProcessBuilder pb = new ProcessBuilder("sleep", "30");
    pb.environment().put("OUTSIDE_MARK", "outside-env-" + SECRET);
    Process outsider = pb.start();
    try {
      long pid = outsider.pid();
      NativeLaunch.Result r =
          run(
              "kill -TERM "
                  + pid
                  + "; echo kill=$?; cat /proc/"
                  + pid
                  + "/environ; readlink /proc/"
                  + pid
                  + "/exe; cat /proc/"
                  + pid
                  + "/maps | head -1",
              "filesystem",
              "process");
      assertThat(r.stdout()).contains("kill=1").doesNotContain(SECRET).doesNotContain("/sleep");
      assertThat(outsider.waitFor(500, TimeUnit.MILLISECONDS)).isFalse();
      assertThat(outsider.isAlive()).isTrue();
    } finally {
      outsider.destroyForcibly();
      outsider.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void abstractUnixSocketsOutsideTheSandboxAreUnreachableWithoutNetwork() throws Exception {
    Availability a = isolator("process").probe();
    assumeTrue(a.available(), a.detail());
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
    String name = "sandbox4j-test-" + ProcessHandle.current().pid();
    Process listener =
        new ProcessBuilder(
                "/usr/bin/python3",
                "-c",
                "import socket\n"
                    + "s=socket.socket(socket.AF_UNIX); s.bind('\\0"
                    + name
                    + "'); s.listen(); s.settimeout(8); print('ready', flush=True)\n"
                    + "try:\n  s.accept(); print('CONNECTED')\nexcept OSError: print('none')\n")
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      NativeLaunch.Result r =
          run(
              "/usr/bin/python3 -c \"import socket\ns=socket.socket(socket.AF_UNIX)\n"
                  + "try:\n  s.connect('\\0"
                  + name
                  + "'); print('client connected')\nexcept OSError as e: print('refused', e.errno)\"",
              "filesystem",
              "process");
      assertThat(r.stdout()).contains("refused 1");
      listener.destroy();
      assertThat(listener.waitFor(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      listener.destroyForcibly();
    }
  }

  @Test
  void metadataOutsideTheWorkspaceCannotChangeEither() throws Exception {
    assumeTrue(
        isolator("filesystem").features().contains(io.sandbox4j.api.Feature.FS_WRITE_CONFINEMENT),
        "write confinement needs Landlock ABI 3 and user namespaces");
    Path f = outside.resolve("f");
    java.nio.file.attribute.FileTime before = Files.getLastModifiedTime(f);
    String perms =
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f));
    NativeLaunch.Result r =
        run(
            "chmod 777 \"$OUT/f\"; chmod 4755 \"$OUT/f\"; touch -d 2001-01-01 \"$OUT/f\";"
                + " chmod 700 \"$OUT\"; echo inside > in.txt; chmod 600 in.txt && echo own=ok;"
                + " exit 0",
            "filesystem");
    assertThat(r.stdout()).contains("own=ok");
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo(perms);
    assertThat(Files.getLastModifiedTime(f)).isEqualTo(before);
    assertThat(r.stderr()).contains("Read-only file system");
  }
}
