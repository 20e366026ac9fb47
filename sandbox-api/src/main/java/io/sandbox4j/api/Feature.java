package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One restriction a policy can require and an isolator can enforce.
 *
 * <p>A policy derives the set of features it needs ({@link SandboxPolicy#requiredFeatures()}); an
 * isolator declares the features it enforces. The engine runs a command only when every required
 * feature is enforced by a selected, available isolator. New features are only ever added.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Feature {
  /** Writes succeed only beneath the workspace, the extra writable roots and the private temp. */
  FS_WRITE_CONFINEMENT(Aspect.FILESYSTEM, "writes confined to the writable roots"),
  /** Paths on the read deny-list (credential stores by default) cannot be read. */
  FS_READ_DENY(Aspect.FILESYSTEM, "read deny-list"),
  /** Reads are limited to the read allow-list plus what programs need to run. */
  FS_READ_ALLOWLIST(Aspect.FILESYSTEM, "read allow-list"),
  /** Protected paths and the write deny-list stay read-only inside writable roots. */
  FS_PROTECTED_PATHS(Aspect.FILESYSTEM, "protected paths inside writable roots"),
  /** The command gets a private temporary directory, unseen by other runs. */
  FS_PRIVATE_TMP(Aspect.FILESYSTEM, "private temporary directory"),
  /**
   * The home directories of {@link FilesystemPolicy#privateHomes()} cannot be read or listed,
   * except the workspace, writable roots, read grants and allow-listed paths inside them.
   */
  FS_PRIVATE_HOME(Aspect.FILESYSTEM, "private home directory"),
  /**
   * The workspace is a copy-on-write layer: the command's writes, deletions and renames land in a
   * change set kept outside the workspace, and reach the real tree only when applied.
   */
  FS_EPHEMERAL(Aspect.FILESYSTEM, "ephemeral copy-on-write workspace"),
  /**
   * The policy's {@link SandboxPolicy#cacheLayers()} are copy-on-write: the command's writes there
   * land in a layer of their own and never reach the host's cache.
   */
  FS_CACHE_LAYERS(Aspect.FILESYSTEM, "copy-on-write toolchain caches"),

  /** No network of any kind leaves the sandbox. */
  NET_DENY_ALL(Aspect.NETWORK, "no network"),
  /** Only allow-listed destinations can be reached. */
  NET_ALLOWLIST(Aspect.NETWORK, "network allow-list"),
  /**
   * Ports a server inside listens on (127.0.0.1) are reachable from the host's 127.0.0.1 at the
   * same port, and nothing else inside is.
   */
  NET_PUBLISH(Aspect.NETWORK, "published ports"),

  /** The environment holds only allow-listed variables. */
  PROC_ENV_SCRUB(Aspect.PROCESS, "scrubbed environment"),
  /** The command runs in a new session, detached from the caller's terminal. */
  PROC_NEW_SESSION(Aspect.PROCESS, "new session without the caller's terminal"),
  /**
   * Nothing the command starts outlives the run, double-forked and setsid'd descendants included.
   */
  PROC_TREE_KILL(Aspect.PROCESS, "whole-tree kill"),
  /** The command holds no privileges: no capabilities, no setuid gain, no admin rights. */
  PROC_NO_PRIVILEGES(Aspect.PROCESS, "no privileges"),
  /** The command cannot signal, trace or inspect processes outside the sandbox. */
  PROC_ISOLATION(Aspect.PROCESS, "no access to processes outside the sandbox"),

  /** Memory limit. */
  RES_MEMORY(Aspect.RESOURCE, "memory limit"),
  /** CPU time limit. */
  RES_CPU_TIME(Aspect.RESOURCE, "CPU time limit"),
  /** Wall-clock timeout that kills the whole process tree. */
  RES_TIMEOUT(Aspect.RESOURCE, "wall-clock timeout"),
  /** Limit on the processes the sandbox may have at once, counted per sandbox. */
  RES_MAX_PROCS(Aspect.RESOURCE, "process count limit"),
  /** Largest file the sandbox may write. */
  RES_FILE_SIZE(Aspect.RESOURCE, "file size limit"),
  /** Limit on open files. */
  RES_OPEN_FILES(Aspect.RESOURCE, "open file limit");

  private final Aspect aspect;
  private final String description;

  Feature(Aspect aspect, String description) {
    this.aspect = aspect;
    this.description = description;
  }

  public Aspect aspect() {
    return aspect;
  }

  /** A short phrase for messages, e.g. "network allow-list". */
  public String description() {
    return description;
  }
}
