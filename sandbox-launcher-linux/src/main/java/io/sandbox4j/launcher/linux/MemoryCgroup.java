package io.sandbox4j.launcher.linux;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A memory cgroup directory beneath which the launcher may create a run's cgroup: the caller's own
 * cgroup in the cgroup v1 memory hierarchy, or a cgroup v2 one that delegates the memory
 * controller. A cgroup's memory limit counts every page its processes touch: anonymous memory, the
 * pages of tmpfs files and memfds (charged to the cgroup that first touched them), page cache and
 * kernel memory.
 *
 * @param parent the directory the run's cgroup is created in
 * @param version 1 or 2
 * @param swapLimit whether swap can be limited too (v1 {@code memory.memsw.limit_in_bytes}, present
 *     only with swap accounting; v2 {@code memory.swap.max}); without it, pages may be swapped out
 *     beyond the limit when the host has swap
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record MemoryCgroup(Path parent, int version, boolean swapLimit) {
  public MemoryCgroup {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("cgroup version must be 1 or 2, got " + version);
    }
    if (!parent.isAbsolute()) {
      throw new IllegalArgumentException("cgroup directory '" + parent + "' is not absolute");
    }
  }

  /**
   * The limit files that cap the run's cgroup at {@code bytes}, in the order they must be written:
   * memory, then memory plus swap at the same value (v1 requires memsw at or above the memory
   * limit), or no swap at all (v2).
   */
  public Map<String, Long> limits(long bytes) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (version == 1) {
      out.put("memory.limit_in_bytes", bytes);
      if (swapLimit) {
        out.put("memory.memsw.limit_in_bytes", bytes);
      }
    } else {
      out.put("memory.max", bytes);
      if (swapLimit) {
        out.put("memory.swap.max", 0L);
      }
    }
    return out;
  }

  /** For messages: {@code cgroup v1 memory limit beneath /sys/fs/cgroup/memory/x}. */
  public String describe() {
    return "cgroup v" + version + " memory limit beneath " + parent;
  }
}
