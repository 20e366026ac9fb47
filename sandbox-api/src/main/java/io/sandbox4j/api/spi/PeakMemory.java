package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import java.util.OptionalLong;
import org.apiguardian.api.API;

/**
 * A command tree's peak memory: the bytes when something measured them, and what measured them
 * ({@code the run's memory cgroup ...}) or why nothing did ({@code not measured: ...}).
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record PeakMemory(OptionalLong bytes, String source) {
  public PeakMemory {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(source, "source");
  }

  /** No figure, and why: {@code "not measured: " + why}. */
  public static PeakMemory notMeasured(String why) {
    return new PeakMemory(OptionalLong.empty(), "not measured: " + why);
  }
}
