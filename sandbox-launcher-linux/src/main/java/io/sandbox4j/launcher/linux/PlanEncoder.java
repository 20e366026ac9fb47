package io.sandbox4j.launcher.linux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes a {@link LinuxLaunchPlan} into the launcher's binary plan format, version 1 (see the
 * module README): "S4J", version byte, then records of tag (u8), length (u32 LE), payload. Integers
 * are little-endian; strings are UTF-8 without NUL.
 */
final class PlanEncoder {
  static final int VERSION = 1;

  /**
   * Decoded plans above this size are rejected by the launcher: its base64 (1 MiB, in the
   * environment) must fit in the kernel's limit for all of argv and the environment together (a
   * quarter of the stack limit, 2 MiB with the usual 8 MiB).
   */
  static final int MAX_PLAN_BYTES = 786432;

  /**
   * Base64 characters per environment variable: the kernel rejects a single one above 128 KiB, so a
   * large plan travels in several (a multiple of 4, so each chunk is whole base64 quanta).
   */
  static final int CHUNK_CHARS = 65536;

  /** Paths one tmpfs or hide mount may keep (the launcher's MAX_KEEP). */
  static final int MAX_KEEP = 1024;

  /** The prefix of the environment variables that carry the plan to the launcher. */
  static final String PLAN_VARIABLE = "SANDBOX4J_PLAN_";

  static final int T_NAMESPACES = 1;
  static final int T_OPTIONS = 2;
  static final int T_MOUNT = 3;
  static final int T_RLIMIT = 4;
  static final int T_LL_RULESET = 5;
  static final int T_LL_PATH = 6;
  static final int T_LL_PORT = 7;
  static final int T_SECCOMP = 8;
  static final int T_HOSTNAME = 9;
  static final int T_CHDIR = 10;
  // 11 was the pids-only cgroup record; the launcher refuses it as unknown
  static final int T_CGROUP = 12;
  static final int T_TMPFS_SIZE = 13;
  static final int T_TMPFS_INODES = 14;
  static final int T_OVERLAY = 15;
  static final int T_NET_RELAY = 20;
  static final int T_USAGE = 21;

  static final int OPT_NEW_SESSION = 1;
  static final int OPT_LOOPBACK_UP = 2;

  private PlanEncoder() {}

  /** The plan in base64, as {@link #environment} splits it. */
  static String encodeBase64(LinuxLaunchPlan plan, Path workingDirectory) {
    return encodeBase64(plan, workingDirectory, Optional.empty());
  }

  /** As {@link #encodeBase64(LinuxLaunchPlan, Path)}, the launcher writing its usage report. */
  static String encodeBase64(LinuxLaunchPlan plan, Path workingDirectory, Optional<Path> usage) {
    return Base64.getEncoder().encodeToString(encode(plan, workingDirectory, usage));
  }

  static byte[] encode(LinuxLaunchPlan plan, Path workingDirectory) {
    return encode(plan, workingDirectory, Optional.empty());
  }

  /**
   * The plan's records; {@code usage}, an existing file, gets the run's peak memory ({@link
   * UsageReport}).
   */
  static byte[] encode(LinuxLaunchPlan plan, Path workingDirectory, Optional<Path> usage) {
    Out out = new Out();
    out.bytes(new byte[] {'S', '4', 'J', VERSION});
    int ns = 0;
    for (LinuxLaunchPlan.Namespace n : plan.namespaces()) {
      ns |= n.cloneFlag();
    }
    if (ns != 0) {
      out.record(T_NAMESPACES, new Out().u32(ns));
    }
    int options =
        (plan.isNewSession() ? OPT_NEW_SESSION : 0) | (plan.isLoopbackUp() ? OPT_LOOPBACK_UP : 0);
    if (options != 0) {
      out.record(T_OPTIONS, new Out().u32(options));
    }
    for (LinuxLaunchPlan.Overlay o : plan.overlays()) {
      out.record(
          T_OVERLAY,
          new Out()
              .str16(o.target().toString())
              .str16(o.upper().toString())
              .str16(o.work().toString()));
    }
    for (LinuxLaunchPlan.Mount m : plan.mounts()) {
      Out r = new Out().u8(m.kind().code()).u8(m.optional() ? 1 : 0).str16(m.path().toString());
      if (m.keep().size() > MAX_KEEP) {
        throw new IllegalArgumentException(
            m.path()
                + " would keep "
                + m.keep().size()
                + " paths beneath its tmpfs, above the launcher's limit of "
                + MAX_KEEP
                + " (too many writable roots beneath it)");
      }
      r.u16(m.keep().size());
      for (Path k : m.keep()) {
        r.str16(k.toString());
      }
      out.record(T_MOUNT, r);
    }
    for (Map.Entry<LinuxLaunchPlan.Rlimit, Long> e : plan.rlimits().entrySet()) {
      out.record(
          T_RLIMIT, new Out().u32(e.getKey().resource()).u64(e.getValue()).u64(e.getValue()));
    }
    plan.landlock()
        .ifPresent(
            rules -> {
              out.record(
                  T_LL_RULESET,
                  new Out()
                      .u64(rules.handledAccessFs())
                      .u64(rules.handledAccessNet())
                      .u64(rules.scoped()));
              for (LandlockRules.PathRule p : rules.pathRules()) {
                out.record(
                    T_LL_PATH,
                    new Out()
                        .u64(p.allowedAccess())
                        .u8(p.optional() ? 1 : 0)
                        .str16(p.path().toAbsolutePath().toString()));
              }
              for (LandlockRules.PortRule p : rules.portRules()) {
                out.record(T_LL_PORT, new Out().u64(p.port()).u64(p.allowedAccess()));
              }
            });
    for (byte[] filter : plan.seccompFilters()) {
      out.record(T_SECCOMP, new Out().bytes(filter));
    }
    plan.hostname().ifPresent(h -> out.record(T_HOSTNAME, new Out().utf8(h)));
    if (workingDirectory != null) {
      out.record(T_CHDIR, new Out().utf8(workingDirectory.toAbsolutePath().toString()));
    }
    for (Map.Entry<Path, Map<String, Long>> g : plan.cgroups().entrySet()) {
      Out r = new Out().str16(g.getKey().toString()).u8(g.getValue().size());
      g.getValue().forEach((file, value) -> r.str16(file).str16(Long.toString(value)));
      out.record(T_CGROUP, r);
    }
    plan.tmpfsSizeOption().ifPresent(size -> out.record(T_TMPFS_SIZE, new Out().utf8(size)));
    plan.tmpfsInodesOption().ifPresent(n -> out.record(T_TMPFS_INODES, new Out().u64(n)));
    for (LinuxLaunchPlan.Relay r : plan.relays()) {
      Out rec = new Out().u16(r.port()).str16(r.socket().toString());
      r.connectTarget().ifPresentOrElse(t -> rec.u8(1).str16(t), () -> rec.u8(0));
      out.record(T_NET_RELAY, rec);
    }
    for (int port : plan.published()) {
      // mode 2: publish, no socket
      out.record(T_NET_RELAY, new Out().u16(port).u16(0).u8(2));
    }
    usage.ifPresent(u -> out.record(T_USAGE, new Out().utf8(u.toAbsolutePath().toString())));
    byte[] encoded = out.toByteArray();
    if (encoded.length > MAX_PLAN_BYTES) {
      throw new IllegalArgumentException(
          "the launch plan is "
              + encoded.length
              + " bytes, above the launcher's limit of "
              + MAX_PLAN_BYTES
              + " (too many rules or filters)");
    }
    return encoded;
  }

  /** A little-endian byte writer. */
  static final class Out {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

    Out u8(int v) {
      buf.write(v);
      return this;
    }

    Out u16(int v) {
      return u8(v & 0xff).u8((v >>> 8) & 0xff);
    }

    Out u32(long v) {
      return u16((int) (v & 0xffff)).u16((int) ((v >>> 16) & 0xffff));
    }

    Out u64(long v) {
      return u32(v & 0xffffffffL).u32(v >>> 32);
    }

    Out bytes(byte[] b) {
      buf.write(b, 0, b.length);
      return this;
    }

    Out utf8(String s) {
      return bytes(checked(s));
    }

    Out str16(String s) {
      byte[] b = checked(s);
      return u16(b.length).bytes(b);
    }

    Out record(int tag, Out payload) {
      byte[] p = payload.toByteArray();
      return u8(tag).u32(p.length).bytes(p);
    }

    byte[] toByteArray() {
      return buf.toByteArray();
    }

    private static byte[] checked(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length == 0 || b.length > 4095 || s.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            "plan string '" + s + "' must be 1 to 4095 bytes without NUL");
      }
      return b;
    }
  }

  /**
   * The plan as the launcher's environment variables {@code SANDBOX4J_PLAN_0}, {@code _1}...: not
   * argv, which every local user reads in /proc/PID/cmdline (environ is the owner's only; the
   * launcher wipes and removes them at once).
   */
  static Map<String, String> environment(String plan) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (int i = 0; i < plan.length(); i += CHUNK_CHARS) {
      env.put(
          PLAN_VARIABLE + (i / CHUNK_CHARS),
          plan.substring(i, Math.min(plan.length(), i + CHUNK_CHARS)));
    }
    return env;
  }

  static List<String> argv(Path launcher, List<String> command) {
    List<String> argv = new java.util.ArrayList<>(command.size() + 2);
    argv.add(launcher.toString());
    argv.add("--");
    argv.addAll(command);
    return argv;
  }
}
