package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.SandboxPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "POSIX error messages and paths")
class DenialScannerTest {
  @TempDir Path ws;

  private List<Denial> scan(SandboxPolicy policy, String stderr, int chunk) {
    DenialScanner s = new DenialScanner();
    byte[] b = stderr.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < b.length; i += chunk) {
      s.accept(b, i, Math.min(chunk, b.length - i));
    }
    return s.denials(policy);
  }

  @Test
  void theCommonToolsMessagesNameTheDeniedPathOnceEach() {
    SandboxPolicy p =
        SandboxPolicy.builder(ws).denyRead(ws.resolve("secret")).privateTmp(false).build();
    String stderr =
        "sh: 1: cannot create /etc/motd: Read-only file system\n"
            + "touch: cannot touch '/opt/x': Permission denied\n"
            + "touch: cannot touch '/opt/x': Permission denied\n"
            + "cat: "
            + ws.resolve("secret/key")
            + ": No such file or directory\n"
            + "PermissionError: [Errno 13] Permission denied: '/usr/lib/new.so'\n"
            + "open /srv/out.log: read-only file system\n"
            + "ok: "
            + ws.resolve("fine.txt")
            + ": Permission denied\n"
            + "cat: /nonexistent: No such file or directory\n"
            + "no newline at the end: '/tmp/zzz': Read-only file system";
    for (int chunk : new int[] {1, 7, 4096}) {
      List<Denial> d = scan(p, stderr, chunk);
      assertThat(d)
          .extracting(Denial::access, Denial::target)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("write", "/etc/motd"),
              org.assertj.core.groups.Tuple.tuple("write", "/opt/x"),
              org.assertj.core.groups.Tuple.tuple("read", ws.resolve("secret/key").toString()),
              org.assertj.core.groups.Tuple.tuple("write", "/usr/lib/new.so"),
              org.assertj.core.groups.Tuple.tuple("write", "/srv/out.log"),
              org.assertj.core.groups.Tuple.tuple("write", "/tmp/zzz"));
    }
    Denial first = scan(p, stderr, 4096).get(0);
    assertThat(first.source()).isEqualTo(Denial.Source.INFERRED);
    assertThat(first.line())
        .isEqualTo(
            "inferred: write /etc/motd was denied by the policy (not beneath a writable root ["
                + ws
                + "]); allow it with --allow-write /etc/motd --allow-system-write /etc/motd"
                + " (policy file: filesystem.allow-write and filesystem.allow-system-write; the"
                + " path must exist)");
  }

  @Test
  void aFileTheCallerCannotReadEitherIsNotBlamedOnTheSandbox() throws Exception {
    Path mine = Files.writeString(Files.createTempFile("denial", ".txt"), "x");
    try {
      String msg = "cat: " + mine + ": Permission denied\n";
      SandboxPolicy noTmp = SandboxPolicy.builder(ws).privateTmp(false).build();
      // readable by the caller: EACCES there means a write the policy refuses
      assertThat(scan(noTmp, msg, 64)).extracting(Denial::access).containsExactly("write");
      // /etc/shadow-like: unreadable by the caller (unless root, which reads everything)
      Path shadow = Path.of("/etc/shadow");
      if (Files.exists(shadow) && !Files.isReadable(shadow)) {
        assertThat(scan(noTmp, "cat: /etc/shadow: Permission denied\n", 64)).isEmpty();
      }
    } finally {
      Files.delete(mine);
    }
  }

  @Test
  void itIsBoundedInLinesAndPaths() {
    StringBuilder b = new StringBuilder();
    b.append("x".repeat(DenialScanner.MAX_LINE * 3)).append(" /etc/a: Permission denied\n");
    for (int i = 0; i < 100; i++) {
      b.append("touch: cannot touch '/opt/f").append(i).append("': Permission denied\n");
    }
    List<Denial> d = scan(SandboxPolicy.defaults(ws), b.toString(), 8192);
    assertThat(d).hasSize(DenialScanner.MAX_PATHS);
    assertThat(d.get(0).target())
        .isEqualTo("/opt/f0"); // the over-long line was cut before its path
  }
}
