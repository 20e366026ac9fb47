package io.sandbox4j.cli.engine;

import io.sandbox4j.cli.CliContext;
import io.sandbox4j.cli.Main;
import java.io.PrintWriter;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * The engine's picocli command lines for {@code run}, built once each and reused: building the
 * model (annotations, the table's flags) cost about a millisecond and a half of every warm request.
 * A line serves one request at a time; concurrent requests take more lines, so there are as many as
 * the most requests that ever ran at once. picocli resets every option to its initial value before
 * it parses, and the context and writers are set per request and cleared after it.
 */
final class RunLines {
  private final ConcurrentLinkedQueue<Line> idle = new ConcurrentLinkedQueue<>();

  /** Runs {@code args} with {@code context} on an idle line (or a new one); its exit code. */
  int execute(CliContext context, String[] args, PrintWriter out, PrintWriter err) {
    Line line = idle.poll();
    if (line == null) {
      line = new Line();
    }
    try {
      line.context = context;
      line.cl.setOut(out);
      line.cl.setErr(err);
      return line.cl.execute(args);
    } finally {
      line.context = null;
      line.cl.setOut(NOWHERE);
      line.cl.setErr(NOWHERE);
      idle.add(line);
    }
  }

  /** Builds one line ahead of the first request. */
  void prepare() {
    idle.add(new Line());
  }

  private static final PrintWriter NOWHERE = new PrintWriter(java.io.Writer.nullWriter());

  private static final class Line implements Supplier<CliContext> {
    private final CommandLine cl = Main.reusableRun(this);
    private volatile CliContext context;

    @Override
    public CliContext get() {
      CliContext c = context;
      if (c == null) {
        throw new IllegalStateException("a reused run command line ran without a request");
      }
      return c;
    }
  }
}
