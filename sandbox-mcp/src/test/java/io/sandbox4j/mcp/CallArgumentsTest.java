package io.sandbox4j.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.spec.McpError;
import io.sandbox4j.api.EphemeralWorkspace;
import io.sandbox4j.api.FilesystemPolicy;
import io.sandbox4j.api.NetworkMode;
import io.sandbox4j.api.NetworkPolicy;
import io.sandbox4j.api.SandboxPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What a call's arguments may change in the session policy, and how the rest is refused. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "the policies are written with Unix paths")
class CallArgumentsTest {
  static final Path WORKSPACE = Path.of("/work/project");
  static final Path CACHE = Path.of("/var/cache/build");

  static final SandboxPolicy SESSION =
      SandboxPolicy.builder(WORKSPACE)
          .allowWrite(CACHE)
          .network(NetworkPolicy.allowRules(List.of("example.org", "localhost:5432"), List.of()))
          .resources(
              SandboxPolicy.defaults(WORKSPACE).resources().withTimeout(Duration.ofSeconds(60)))
          .build();

  private static CallArguments parse(Map<String, Object> args) throws CallArguments.Widening {
    return CallArguments.parse(args, SESSION);
  }

  @Test
  void withoutNarrowingTheSessionPolicyHoldsAndShellRunsThroughSh() throws Exception {
    CallArguments c = parse(Map.of("shell", "make test"));
    assertThat(c.command).containsExactly("/bin/sh", "-c", "make test");
    assertThat(c.policy).isEqualTo(SESSION);
    assertThat(c.stdin).isNull();
  }

  @Test
  void narrowingArgumentsNarrow() throws Exception {
    CallArguments c =
        parse(
            Map.of(
                "command", List.of("ls", "-l"),
                "cwd", "src",
                "stdin", "input",
                "timeout_seconds", 2.5,
                "env", Map.of("LANG", "C.UTF-8"),
                "writable_paths", List.of(WORKSPACE.toString(), CACHE.resolve("x").toString()),
                "network_allow", List.of("localhost:5432")));
    assertThat(c.command).containsExactly("ls", "-l");
    assertThat(c.stdin).isEqualTo("input");
    assertThat(c.policy.workingDirectory()).isEqualTo(WORKSPACE.resolve("src"));
    assertThat(c.policy.resources().timeout()).contains(Duration.ofMillis(2500));
    assertThat(c.policy.process().envSet()).containsEntry("LANG", "C.UTF-8");
    assertThat(c.policy.filesystem().writableRoots()).containsExactly(CACHE.resolve("x"));
    assertThat(c.policy.network().rules()).containsExactly("localhost:5432");
    assertThat(parse(Map.of("shell", "x", "network", "none")).policy.network().mode())
        .isEqualTo(NetworkMode.NONE);
  }

  @Test
  void listingOnlyTheWorkspaceDropsTheOtherRoots() throws Exception {
    CallArguments c = parse(Map.of("shell", "x", "writable_paths", List.of(".")));
    assertThat(c.policy.filesystem().allWritableRoots()).containsExactly(WORKSPACE);
    assertThat(c.policy.filesystem().writeDeny()).doesNotContain(WORKSPACE);
  }

  @Test
  void aReadOnlyWorkspaceIsRefusedAsNotEnforceableNotAsWidening() {
    assertThatThrownBy(() -> parse(Map.of("shell", "x", "writable_paths", List.of())))
        .isInstanceOfSatisfying(CallArguments.Widening.class, w -> assertThat(w.widens).isFalse())
        .hasMessageContaining("leaves out the workspace /work/project");
  }

  @Test
  void wideningIsRefusedNamingWhatWasAsked() {
    List<Map<String, Object>> asks =
        List.of(
            Map.of("shell", "x", "timeout_seconds", 61),
            Map.of("shell", "x", "cwd", "../other"),
            Map.of("shell", "x", "writable_paths", List.of("/home/user")),
            Map.of("shell", "x", "network", "all"),
            Map.of("shell", "x", "network_allow", List.of("evil.example")),
            Map.of("shell", "x", "env", Map.of("AWS_SECRET_ACCESS_KEY", "x")));
    List<String> named =
        List.of(
            "timeout_seconds 61",
            "cwd /work/other",
            "writable_paths entry /home/user",
            "network \"all\"",
            "network_allow entry evil.example",
            "env AWS_SECRET_ACCESS_KEY");
    for (int i = 0; i < asks.size(); i++) {
      Map<String, Object> ask = asks.get(i);
      assertThatThrownBy(() -> parse(ask))
          .as("%s", ask)
          .isInstanceOf(CallArguments.Widening.class)
          .hasMessageContaining(named.get(i));
    }
  }

  @Test
  void withoutASessionTimeoutAnyTimeoutNarrows() throws Exception {
    CallArguments c =
        CallArguments.parse(
            Map.of("shell", "x", "timeout_seconds", 3600), SandboxPolicy.defaults(WORKSPACE));
    assertThat(c.policy.resources().timeout()).isEqualTo(Optional.of(Duration.ofHours(1)));
  }

  @Test
  void wrongTypesAndUnknownArgumentsAreInvalidParams() {
    List<Map<String, Object>> bad =
        List.of(
            Map.of(),
            Map.of("command", List.of("a"), "shell", "b"),
            Map.of("command", "ls"),
            Map.of("command", List.of(1)),
            Map.of("command", List.of()),
            Map.of("shell", 3),
            Map.of("shell", "x", "timeout_seconds", "10"),
            Map.of("shell", "x", "timeout_seconds", -1),
            Map.of("shell", "x", "env", List.of("A=b")),
            Map.of("shell", "x", "network", "some"),
            Map.of("shell", "x", "writable_paths", "/tmp"),
            Map.of("shell", "x", "sudo", true));
    for (Map<String, Object> args : bad) {
      assertThatThrownBy(() -> parse(args))
          .as("%s", args)
          .isInstanceOfSatisfying(
              McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602));
    }
  }

  @Test
  void narrowingKeepsPrivateHomesReadGrantsAndTheEphemeralWorkspace() throws Exception {
    Path home = Path.of("/home/user");
    SandboxPolicy session =
        new SandboxPolicy(
            new FilesystemPolicy(
                WORKSPACE,
                List.of(CACHE),
                List.of(),
                List.of(),
                List.of(),
                FilesystemPolicy.DEFAULT_PROTECTED_NAMES,
                true,
                List.of(),
                List.of(home),
                List.of(home.resolve(".m2"))),
            SESSION.network(),
            SESSION.process(),
            SESSION.resources(),
            EphemeralWorkspace.FRESH,
            List.of());
    for (Map<String, Object> ask :
        List.of(
            Map.<String, Object>of("shell", "x", "writable_paths", List.of(".")),
            Map.<String, Object>of("shell", "x", "network", "none"),
            Map.<String, Object>of("shell", "x", "network_allow", List.of("example.org")))) {
      SandboxPolicy p = CallArguments.parse(ask, session).policy;
      assertThat(p.filesystem().privateHomes()).as("%s", ask).containsExactly(home);
      assertThat(p.filesystem().readGrants()).as("%s", ask).containsExactly(home.resolve(".m2"));
      assertThat(p.ephemeral()).as("%s", ask).isEqualTo(EphemeralWorkspace.FRESH);
    }
  }

  @Test
  void linksLeadingOutOfTheWorkspaceAreRefused(@TempDir Path dir) throws Exception {
    Path workspace = Files.createDirectory(dir.resolve("ws"));
    Path outside = Files.createDirectory(dir.resolve("outside"));
    Files.createSymbolicLink(workspace.resolve("out"), outside);
    Files.createDirectory(workspace.resolve("in"));
    Files.createSymbolicLink(workspace.resolve("inlink"), workspace.resolve("in"));
    SandboxPolicy session = SandboxPolicy.builder(workspace).build();
    for (Map<String, Object> ask :
        List.of(
            Map.<String, Object>of("shell", "x", "writable_paths", List.of(".", "out")),
            Map.<String, Object>of("shell", "x", "writable_paths", List.of(".", "out/new/dir")),
            Map.<String, Object>of("shell", "x", "cwd", "out"))) {
      assertThatThrownBy(() -> CallArguments.parse(ask, session))
          .as("%s", ask)
          .isInstanceOf(CallArguments.Widening.class)
          .hasMessageContaining("(that is " + outside.toRealPath());
    }
    SandboxPolicy p =
        CallArguments.parse(
                Map.of("shell", "x", "cwd", "inlink", "writable_paths", List.of(".", "inlink")),
                session)
            .policy;
    assertThat(p.workingDirectory()).isEqualTo(workspace.resolve("in").toRealPath());
    assertThat(p.filesystem().writableRoots())
        .containsExactly(workspace.resolve("in").toRealPath());
  }

  @Test
  void nulCharactersAreInvalidParamsNotInternalErrors() {
    SandboxPolicy session = SandboxPolicy.builder(WORKSPACE).passEnv("FOO").build();
    for (Map<String, Object> args :
        List.of(
            Map.<String, Object>of("shell", "a\0b"),
            Map.<String, Object>of("command", List.of("echo", "a\0b")),
            Map.<String, Object>of("shell", "x", "env", Map.of("FOO", "a\0b")),
            Map.<String, Object>of("shell", "x", "cwd", "a\0b"))) {
      assertThatThrownBy(() -> CallArguments.parse(args, session))
          .as("%s", args)
          .isInstanceOfSatisfying(
              McpError.class, e -> assertThat(e.getJsonRpcError().code()).isEqualTo(-32602))
          .hasMessageContaining("NUL");
    }
  }
}
