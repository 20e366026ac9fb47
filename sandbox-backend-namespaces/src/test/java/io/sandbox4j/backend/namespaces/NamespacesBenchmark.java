package io.sandbox4j.backend.namespaces;

import io.sandbox4j.api.SandboxPolicy;
import io.sandbox4j.api.spi.LaunchSpec;
import io.sandbox4j.api.spi.SandboxProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Not a test: median in-process cost of /bin/true with the default policy through every isolator of
 * this backend (plan generation included), against a plain ProcessBuilder spawn.
 *
 * <pre>
 * ./mvnw -q -pl sandbox-backend-namespaces -am test-compile dependency:build-classpath \
 *   -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "sandbox-backend-namespaces/target/test-classes:sandbox-backend-namespaces/target/classes:$(cat sandbox-backend-namespaces/target/cp.txt)" \
 *   io.sandbox4j.backend.namespaces.NamespacesBenchmark 300
 * </pre>
 */
public final class NamespacesBenchmark {
  private NamespacesBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path ws = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "bench-ws");
    Files.createDirectories(ws.resolve(".git/hooks"));
    Files.writeString(ws.resolve(".git/config"), "");
    Files.createDirectories(ws.resolve(".sandbox4j"));
    SandboxPolicy policy = SandboxPolicy.defaults(ws);
    for (int round = 0; round < 2; round++) {
      double[] plain = new double[n];
      double[] sandboxed = new double[n];
      for (int i = 0; i < n; i++) {
        long t = System.nanoTime();
        new ProcessBuilder("/bin/true").start().waitFor();
        plain[i] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        LaunchSpec spec = Sandbox.spec(policy, java.util.List.of("/bin/true"));
        SandboxProcess p = Sandbox.LAUNCHER.launch(spec);
        if (p.waitFor() != 0) {
          throw new IllegalStateException("exit " + p.waitFor());
        }
        spec.runCleanups(); // a run ends with its cleanups (the quarantine sweep among them)
        sandboxed[i] = (System.nanoTime() - t) / 1e6;
      }
      if (round == 1) {
        Arrays.sort(plain);
        Arrays.sort(sandboxed);
        System.out.printf(
            "launchMechanism=%s n=%d%nProcessBuilder /bin/true: median %.2f ms%n"
                + "namespaces backend, default policy, all isolators: median %.2f ms%n",
            System.getProperty("jdk.lang.Process.launchMechanism", "default"),
            n,
            plain[n / 2],
            sandboxed[n / 2]);
      }
    }
  }
}
