package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Loader variables in the command's environment must not reach the launcher, which starts with full
 * privileges and that environment: only the command, after confinement, may load them.
 */
@EnabledOnOs(
    value = OS.LINUX,
    disabledReason = "runs the native Linux launcher (a static Linux binary)")
class LoaderVariablesTest {
  /** A library whose constructor records who loaded it and with which privileges. */
  private static final String MARKER_SO =
      """
      #define _GNU_SOURCE
      #include <fcntl.h>
      #include <stdio.h>
      #include <stdlib.h>
      #include <string.h>
      #include <unistd.h>
      unsigned la_version(unsigned v) { return v; } /* also valid as an LD_AUDIT module */
      __attribute__((constructor)) static void mark(void) {
        const char *out = getenv("S4J_MARK");
        char buf[8192], exe[512];
        if (!out) return;
        int fd = open("/proc/self/status", O_RDONLY);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = 0;
        ssize_t e = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[e > 0 ? e : 0] = 0;
        const char *cap = strstr(buf, "CapEff:\\t"), *nnp = strstr(buf, "NoNewPrivs:\\t");
        int o = open(out, O_WRONLY | O_APPEND | O_CREAT, 0666);
        dprintf(o, "exe=%s capeff=%.16s nnp=%c\\n", exe, cap ? cap + 8 : "?", nnp ? nnp[12] : '?');
        close(o);
      }
      """;

  private static Path scratch;
  private static Path library;

  @AfterAll
  static void cleanUp() throws Exception {
    Runs.deleteTree(scratch);
  }

  @BeforeAll
  static void buildTheLibrary() throws Exception {
    Assumptions.assumeTrue(Runs.available(), () -> Runs.LAUNCHER.probe().detail());
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/cc")), "no C compiler (gcc)");
    scratch = Runs.scratch("ld-");
    Path source = Files.writeString(scratch.resolve("marker.c"), MARKER_SO);
    library = scratch.resolve("libmarker.so");
    Process cc =
        new ProcessBuilder(
                "/usr/bin/cc", "-shared", "-fPIC", "-o", library.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(cc.getInputStream().readAllBytes());
    assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(cc.exitValue()).as(out).isZero();
  }

  @Test
  void loaderVariablesReachOnlyTheConfinedCommand() throws Exception {
    Path marks = scratch.resolve("marks");
    Map<String, String> env =
        Map.of(
            "PATH", Runs.ENV.get("PATH"),
            "LD_PRELOAD", library.toString(),
            "LD_AUDIT", library.toString(),
            "LD_LIBRARY_PATH", scratch.toString(),
            "S4J_MARK", marks.toString());
    LaunchSpec spec =
        new LaunchSpec(SandboxPolicy.defaults(scratch), List.of("/bin/true"), scratch, env);
    spec.extension(LinuxLaunchPlan.class, LinuxLaunchPlan::new);
    Runs.Result r = Runs.run(spec, new byte[0]);
    assertThat(r.exit()).as(r.err()).isZero();

    List<String> lines = Files.readAllLines(marks);
    // the command (dynamically linked /bin/true) loads the library after confinement: it works
    assertThat(lines)
        .anyMatch(l -> l.startsWith("exe=/usr/bin/true") || l.startsWith("exe=/bin/true"));
    assertThat(lines)
        .as("every process that loaded the library was already confined")
        .allMatch(l -> l.endsWith(" capeff=0000000000000000 nnp=1"));
    assertThat(lines).noneMatch(l -> l.contains("sandbox4j-launcher"));
  }

  @Test
  void theLauncherHasNoProgramInterpreter() throws Exception {
    // without PT_INTERP the kernel starts no dynamic loader: LD_* variables mean nothing to it
    ByteBuffer elf =
        ByteBuffer.wrap(Files.readAllBytes(new LauncherBinary().require()))
            .order(ByteOrder.LITTLE_ENDIAN);
    assertThat(elf.getInt(0)).isEqualTo(0x464c457f);
    long phoff = elf.getLong(0x20);
    int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
    int phnum = Short.toUnsignedInt(elf.getShort(0x38));
    assertThat(phnum).isPositive();
    for (int i = 0; i < phnum; i++) {
      int type = elf.getInt((int) phoff + i * phentsize);
      assertThat(type).as("program header %d is PT_INTERP", i).isNotEqualTo(3);
    }
  }
}
