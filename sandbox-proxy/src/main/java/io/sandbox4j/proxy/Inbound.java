package io.sandbox4j.proxy;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * What the client sent while naming its destination: a bounded buffer, so a client can never make
 * the proxy hold more than {@link ProxyLimits#maxHeaderBytes()} for it. Bytes read past the request
 * (a TLS hello sent eagerly, a request body) stay here and go to the destination first.
 */
final class Inbound {
  private final SocketChannel channel;
  private final ByteBuffer buffer; // read mode: unread bytes between position and limit

  Inbound(SocketChannel channel, int capacity) {
    this.channel = channel;
    this.buffer = ByteBuffer.allocate(capacity);
    buffer.flip();
  }

  /** Thrown when an HTTP head does not fit. */
  static final class TooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    TooLarge(int limit) {
      super("the request head is larger than " + limit + " bytes");
    }
  }

  private void fill() throws IOException {
    if (buffer.remaining() == buffer.capacity()) {
      throw new TooLarge(buffer.capacity());
    }
    buffer.compact();
    int n = channel.read(buffer);
    buffer.flip();
    if (n < 0) {
      throw new EOFException("the client closed the connection before naming a destination");
    }
  }

  int u8() throws IOException {
    while (!buffer.hasRemaining()) {
      fill();
    }
    return buffer.get() & 0xff;
  }

  int u16() throws IOException {
    return (u8() << 8) | u8();
  }

  byte[] bytes(int n) throws IOException {
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) u8();
    }
    return out;
  }

  /** The next byte without consuming it. */
  int peek() throws IOException {
    while (!buffer.hasRemaining()) {
      fill();
    }
    return buffer.get(buffer.position()) & 0xff;
  }

  /** An HTTP head up to and including the blank line, as ISO-8859-1 text. */
  String head() throws IOException {
    int scanned = 0;
    while (true) {
      int start = buffer.position();
      int end = buffer.limit();
      for (int i = start + Math.max(0, scanned - 3); i + 3 < end; i++) {
        if (buffer.get(i) == '\r'
            && buffer.get(i + 1) == '\n'
            && buffer.get(i + 2) == '\r'
            && buffer.get(i + 3) == '\n') {
          byte[] head = new byte[i + 4 - start];
          buffer.get(head);
          return new String(head, StandardCharsets.ISO_8859_1);
        }
      }
      scanned = end - start;
      fill();
    }
  }

  /** The bytes read past the request; empties this buffer. */
  ByteBuffer rest() {
    ByteBuffer out = ByteBuffer.allocate(buffer.remaining());
    out.put(buffer).flip();
    return out;
  }
}
