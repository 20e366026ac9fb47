package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.lang.ProcessBuilder.Redirect;
import java.util.Objects;
import org.apiguardian.api.API;

/** Where a command's standard input, output and error go; they always travel together. */
@API(status = EXPERIMENTAL, since = "0.1")
public record Redirects(Redirect stdin, Redirect stdout, Redirect stderr) {
  /** All three streams piped to the caller (the default). */
  public static final Redirects PIPE = new Redirects(Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);

  /** All three streams inherited from the calling process (what the CLI does). */
  public static final Redirects INHERIT =
      new Redirects(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT);

  public Redirects {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** Sets the three redirects of {@code builder}; returns it. */
  public ProcessBuilder applyTo(ProcessBuilder builder) {
    return builder.redirectInput(stdin).redirectOutput(stdout).redirectError(stderr);
  }
}
