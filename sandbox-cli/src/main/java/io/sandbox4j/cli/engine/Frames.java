package io.sandbox4j.cli.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine protocol's framing (docs/engine-protocol.md): one byte of type, a big-endian u32
 * length of at most 16 MiB, the payload; payloads hold u8, u32/i32, {@code bytes} (u32 length and
 * raw bytes) and {@code list} (u32 count of {@code bytes}).
 */
final class Frames {
  private Frames() {}

  static final int VERSION = 1;
  static final int MAX_LENGTH = 16 * 1024 * 1024;

  // client to engine
  static final int REQUEST = 0x01;
  static final int STATUS = 0x02;
  static final int STOP = 0x03;
  static final int STARTED = 0x10;
  static final int SPAWN_FAILED = 0x11;
  static final int OUTPUT = 0x12;
  static final int OUTPUT_EOF = 0x13;
  static final int EXITED = 0x14;
  static final int SIGNAL = 0x15;
  // engine to client
  static final int SPAWN = 0x20;
  static final int INPUT = 0x21;
  static final int INPUT_EOF = 0x22;
  static final int KILL = 0x23;
  static final int WRITE = 0x24;
  static final int EXIT = 0x25;
  static final int FALLBACK = 0x26;

  /** One frame as read. */
  record Frame(int type, byte[] payload) {
    Reader reader() {
      return new Reader(payload);
    }
  }

  /** A violation of the protocol: the connection ends. */
  static final class ProtocolException extends IOException {
    ProtocolException(String message) {
      super(message);
    }
  }

  /**
   * The next frame, or null at end of file before a frame began.
   *
   * @throws ProtocolException for a bad length or a frame cut short
   */
  static Frame read(InputStream in) throws IOException {
    int type = in.read();
    if (type < 0) {
      return null;
    }
    byte[] len = in.readNBytes(4);
    if (len.length < 4) {
      throw new ProtocolException("truncated frame header");
    }
    long length = ByteBuffer.wrap(len).getInt() & 0xffffffffL;
    if (length > MAX_LENGTH) {
      throw new ProtocolException("frame length " + length + " is above 16 MiB");
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new ProtocolException("truncated frame payload");
    }
    return new Frame(type, payload);
  }

  /** Writes one frame at once (callers serialize writers on the stream). */
  static void write(OutputStream out, int type, byte[] payload) throws IOException {
    byte[] frame = new byte[5 + payload.length];
    frame[0] = (byte) type;
    ByteBuffer.wrap(frame, 1, 4).putInt(payload.length);
    System.arraycopy(payload, 0, frame, 5, payload.length);
    out.write(frame);
    out.flush();
  }

  /** Reads a payload; running past its end is a protocol error. */
  static final class Reader {
    private final ByteBuffer buf;

    Reader(byte[] payload) {
      this.buf = ByteBuffer.wrap(payload);
    }

    int u8() throws ProtocolException {
      try {
        return buf.get() & 0xff;
      } catch (BufferUnderflowException e) {
        throw new ProtocolException("truncated payload");
      }
    }

    int i32() throws ProtocolException {
      try {
        return buf.getInt();
      } catch (BufferUnderflowException e) {
        throw new ProtocolException("truncated payload");
      }
    }

    byte[] bytes() throws ProtocolException {
      long n = i32() & 0xffffffffL;
      if (n > buf.remaining()) {
        throw new ProtocolException("truncated payload");
      }
      byte[] b = new byte[(int) n];
      buf.get(b);
      return b;
    }

    List<byte[]> list() throws ProtocolException {
      long n = i32() & 0xffffffffL;
      if (n > buf.remaining() / 4) {
        throw new ProtocolException("list count " + n + " exceeds the payload");
      }
      List<byte[]> items = new ArrayList<>((int) n);
      for (long i = 0; i < n; i++) {
        items.add(bytes());
      }
      return items;
    }

    /** Trailing bytes are a protocol error too: a frame holds exactly its fields. */
    void end() throws ProtocolException {
      if (buf.hasRemaining()) {
        throw new ProtocolException(buf.remaining() + " unexpected bytes at the end of a payload");
      }
    }
  }

  /** Builds a payload. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer u8(int v) {
      out.write(v);
      return this;
    }

    Writer i32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    Writer bytes(byte[] b) {
      i32(b.length);
      out.write(b, 0, b.length);
      return this;
    }

    Writer list(List<byte[]> items) {
      i32(items.size());
      items.forEach(this::bytes);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }
  }

  /** Receives each chunk written to a {@link #stream}. */
  interface Sink {
    void accept(byte[] data) throws IOException;
  }

  /** An output stream that hands a copy of each non-empty write to {@code sink}. */
  static OutputStream stream(Sink sink) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        sink.accept(new byte[] {(byte) b});
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (len > 0) {
          sink.accept(java.util.Arrays.copyOfRange(b, off, off + len));
        }
      }
    };
  }
}
