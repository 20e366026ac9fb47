package io.sandbox4j.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One output stream of a run: the first {@code cap} bytes are kept for the result, the last few for
 * progress notifications, and everything is counted. The stream is read to its end whatever the
 * cap, so that the command never blocks on a full pipe.
 */
final class CappedOutput {
  private static final int TAIL = 1024;

  private final byte[] head;
  private int kept;
  private long total;
  private final byte[] tail = new byte[TAIL];
  private int tailLength;

  CappedOutput(int cap) {
    this.head = new byte[cap];
  }

  /** Reads {@code in} to its end; a read error ends the stream like an end of file. */
  void drain(InputStream in) {
    byte[] buf = new byte[8192];
    try (in) {
      for (int n; (n = in.read(buf)) > 0; ) {
        append(buf, n);
      }
    } catch (IOException e) {
      // the process is gone and its pipe closed under us: what was read is the output
    }
  }

  private synchronized void append(byte[] buf, int n) {
    int keep = Math.min(n, head.length - kept);
    System.arraycopy(buf, 0, head, kept, keep);
    kept += keep;
    total += n;
    if (n >= TAIL) {
      System.arraycopy(buf, n - TAIL, tail, 0, TAIL);
      tailLength = TAIL;
    } else {
      int shift = Math.max(0, tailLength + n - TAIL);
      System.arraycopy(tail, shift, tail, 0, tailLength - shift);
      tailLength -= shift;
      System.arraycopy(buf, 0, tail, tailLength, n);
      tailLength += n;
    }
  }

  synchronized long total() {
    return total;
  }

  synchronized boolean truncated() {
    return total > kept;
  }

  /** The kept bytes as UTF-8 (a character cut by the cap becomes U+FFFD). */
  synchronized String text() {
    return new String(head, 0, kept, StandardCharsets.UTF_8);
  }

  /** The last bytes read so far, for a progress notification. */
  synchronized String recent() {
    return new String(Arrays.copyOf(tail, tailLength), StandardCharsets.UTF_8);
  }
}
