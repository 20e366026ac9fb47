package io.sandbox4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

@DisabledOnOs(value = OS.WINDOWS, disabledReason = "the command is a POSIX shell's")
class ProcessBuilderLauncherTest {
  @Test
  void killingARunningTreeLeavesItsOutputReadable() throws Exception {
    // A timeout kills a command whose output nobody has read yet: Process.destroyForcibly would
    // close the streams under the reader ("Stream closed"); the output must stay readable.
    Process p = new ProcessBuilder("/bin/sh", "-c", "echo written; exec sleep 30").start();
    InputStream out = p.getInputStream();
    for (int i = 0; i < 500 && out.available() == 0; i++) {
      Thread.sleep(10);
    }
    new ProcessBuilderLauncher.JdkProcess(p).killTree();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
    assertThat(new String(out.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("written\n");
  }
}
