package io.sandbox4j.mcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The stdio channel between the client and the SDK's transport, one JSON-RPC message a line. It
 * does what the SDK (2.1.0) leaves out: a line that is not JSON, or not a JSON-RPC message, gets a
 * JSON-RPC error (-32700 / -32600) and the server reads on; {@code notifications/cancelled} reaches
 * {@code cancel}; each {@code tools/call} carries its JSON-RPC id in {@code _meta} ({@link
 * #REQUEST_ID_META}) so that a cancellation finds its run. Lines written by the SDK and by this
 * class are written whole, one at a time.
 */
final class StdioLines {
  /** The {@code _meta} key under which a tool handler finds its call's JSON-RPC id. */
  static final String REQUEST_ID_META = "io.sandbox4j/request-id";

  /**
   * The longest line (in characters) the server reads; a longer one is skipped to its end and
   * answered with an invalid-request error, so that one line cannot fill the server's memory.
   */
  static final int MAX_LINE_CHARS = 4 * 1024 * 1024;

  private static final int PARSE_ERROR = -32700;
  private static final int INVALID_REQUEST = -32600;
  private static final int BUSY = -32000;

  /** What {@link #readLine} returns for a line longer than {@link #maxLine}. */
  private static final String TOO_LONG = new String("(too long)");

  private final Reader reader;
  private final int maxLine;
  private final char[] buffer = new char[8192];
  private int bufferPos;
  private int bufferEnd;
  private final int maxCalls;
  private final java.util.Set<Object> callsInFlight =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final OutputStream out;
  private final Consumer<Object> cancel;
  private final JsonMapper json = JsonMapper.builder().build();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final Object writeLock = new Object();

  StdioLines(InputStream in, OutputStream out, Consumer<Object> cancel) {
    this(in, out, cancel, MAX_LINE_CHARS, Integer.MAX_VALUE);
  }

  /**
   * As the other constructor, reading lines of at most {@code maxLine} characters and letting at
   * most {@code maxCalls} {@code tools/call} requests wait for their answer at once (a further one
   * is answered at once with a busy error, so that queued calls cannot fill the server's memory).
   */
  StdioLines(InputStream in, OutputStream out, Consumer<Object> cancel, int maxLine, int maxCalls) {
    this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    this.out = out;
    this.cancel = cancel;
    this.maxLine = maxLine;
    this.maxCalls = maxCalls;
  }

  /**
   * The next line without its end ({@code \n}, and a {@code \r} before it), {@link #TOO_LONG} for a
   * line longer than {@link #maxLine} (read to its end and dropped), null at the end of input.
   */
  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    boolean tooLong = false;
    while (true) {
      if (bufferPos == bufferEnd) {
        int n = reader.read(buffer);
        if (n < 0) {
          return tooLong ? TOO_LONG : line.length() > 0 ? line.toString() : null;
        }
        bufferPos = 0;
        bufferEnd = n;
      }
      int end = bufferPos;
      while (end < bufferEnd && buffer[end] != '\n') {
        end++;
      }
      if (!tooLong) {
        if (line.length() + (end - bufferPos) > maxLine) {
          tooLong = true;
          line = new StringBuilder();
        } else {
          line.append(buffer, bufferPos, end - bufferPos);
        }
      }
      bufferPos = end;
      if (end < bufferEnd) { // the line's end
        bufferPos++;
        if (tooLong) {
          return TOO_LONG;
        }
        int n = line.length();
        return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
      }
    }
  }

  /** Waits until the client closes its end. */
  void awaitEnd() throws InterruptedException {
    ended.await();
  }

  /** What the SDK's transport reads: the client's valid lines, rewritten where needed. */
  InputStream input() {
    return new InputStream() {
      private byte[] line = new byte[0];
      private int pos;

      @Override
      public int read() throws IOException {
        if (!fill()) {
          return -1;
        }
        return line[pos++] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        if (!fill()) {
          return -1;
        }
        int n = Math.min(len, line.length - pos);
        System.arraycopy(line, pos, b, off, n);
        pos += n;
        return n;
      }

      private boolean fill() throws IOException {
        while (pos >= line.length) {
          String next;
          try {
            next = readLine();
          } catch (IOException e) {
            next = null;
          }
          if (next == null) {
            ended.countDown();
            return false;
          }
          if (next == TOO_LONG) {
            error(
                null,
                INVALID_REQUEST,
                "Invalid Request: the line is longer than "
                    + maxLine
                    + " characters, the most this server reads; it was skipped");
            continue;
          }
          String passed = filter(next);
          if (passed != null) {
            line = (passed + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
          }
        }
        return true;
      }
    };
  }

  /** What the SDK's transport writes: each complete line goes out whole. */
  OutputStream output() {
    return new OutputStream() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

      @Override
      public synchronized void write(int b) throws IOException {
        pending.write(b);
        if (b == '\n') {
          byte[] line = pending.toByteArray();
          pending.reset();
          writeLine(line);
          answered(line);
        }
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          write(b[i]);
        }
      }

      @Override
      public synchronized void flush() throws IOException {
        synchronized (writeLock) {
          out.flush();
        }
      }
    };
  }

  /** Counts a call as answered once the SDK's response to it went out. */
  private void answered(byte[] line) {
    if (callsInFlight.isEmpty()) {
      return;
    }
    try {
      JsonNode m = json.readTree(line);
      JsonNode id = m.path("id");
      if (m.has("result") || m.has("error")) {
        if (id.isString()) {
          callsInFlight.remove(id.stringValue());
        } else if (id.isIntegralNumber()) {
          callsInFlight.remove(id.longValue());
        }
      }
    } catch (JacksonException e) {
      // not a message: nothing answered
    }
  }

  private void writeLine(byte[] line) throws IOException {
    synchronized (writeLock) {
      out.write(line);
      out.flush();
    }
  }

  /** The line to hand to the SDK, or null when this class answered or consumed it. */
  String filter(String line) {
    if (line.isBlank()) {
      return null;
    }
    JsonNode message;
    try {
      message = json.readTree(line);
    } catch (JacksonException e) {
      error(
          null, PARSE_ERROR, "Parse error: the line is not JSON (" + e.getOriginalMessage() + ")");
      return null;
    }
    JsonNode id = message.path("id");
    if (!message.isObject()
        || !"2.0".equals(message.path("jsonrpc").asString(""))
        || message.has("method") && !message.get("method").isString()
        || !message.has("method") && !message.has("result") && !message.has("error")) {
      boolean usableId = id.isString() || id.isIntegralNumber();
      error(
          usableId ? id : null,
          INVALID_REQUEST,
          "Invalid Request: a JSON-RPC 2.0 message needs \"jsonrpc\": \"2.0\" and a string"
              + " \"method\" (or a \"result\" or \"error\")");
      return null;
    }
    if (message.has("id") && !(id.isString() || id.isInt() || id.isLong())) {
      // The SDK stops reading at an id it cannot map (null, a fraction, an object, past 64 bits).
      error(
          null,
          INVALID_REQUEST,
          "Invalid Request: an id must be a string or an integer within 64 bits, not "
              + abbreviated(id.toString()));
      return null;
    }
    String method = message.path("method").asString("");
    if (method.equals("notifications/cancelled")) {
      JsonNode requestId = message.path("params").path("requestId");
      if (requestId.isString()) {
        cancel.accept(requestId.stringValue());
      } else if (requestId.isIntegralNumber()) {
        cancel.accept(requestId.longValue());
      }
      return null; // the SDK has no handler for it
    }
    if (method.equals("tools/call") && message.has("id")) {
      Object key = id.isString() ? id.stringValue() : (Object) id.longValue();
      if (callsInFlight.add(key) && callsInFlight.size() > maxCalls) {
        callsInFlight.remove(key);
        error(
            id,
            BUSY,
            "Server busy: "
                + maxCalls
                + " tool calls are running or waiting for a slot already; call again when one"
                + " has ended");
        return null;
      }
    }
    if (method.equals("tools/call")
        && message.has("id")
        && message.get("params") instanceof ObjectNode params) {
      JsonNode meta = params.path("_meta");
      ObjectNode m = meta instanceof ObjectNode o ? o : params.putObject("_meta");
      m.set(REQUEST_ID_META, id);
      return json.writeValueAsString(message);
    }
    return line;
  }

  private void error(JsonNode id, int code, String text) {
    ObjectNode e = json.createObjectNode();
    e.put("jsonrpc", "2.0");
    if (id == null) {
      e.putNull("id");
    } else {
      e.set("id", id);
    }
    ObjectNode err = e.putObject("error");
    err.put("code", code);
    err.put("message", text);
    try {
      writeLine((json.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException ignored) {
      // the client is gone; the reader sees the end next
    }
  }

  private static String abbreviated(String s) {
    return s.length() <= 40 ? s : s.substring(0, 40) + "...";
  }

  /** The key a cancellation and a call agree on: JSON numbers as long, strings as they are. */
  static Object key(Object requestId) {
    return requestId instanceof Number n ? (Object) n.longValue() : requestId;
  }
}
