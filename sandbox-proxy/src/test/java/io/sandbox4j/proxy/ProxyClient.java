package io.sandbox4j.proxy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A client of the proxy over either listener. Reads block; the tests' {@code @Timeout} interrupts
 * them, which closes the channel.
 */
final class ProxyClient implements AutoCloseable {
  enum Transport {
    TCP,
    UNIX
  }

  final SocketChannel channel;

  ProxyClient(NetworkProxy proxy, Transport transport) throws IOException {
    if (transport == Transport.UNIX) {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
      channel.connect(UnixDomainSocketAddress.of(proxy.unixSocketPath().orElseThrow()));
    } else {
      channel = SocketChannel.open(proxy.tcpAddress().orElseThrow());
    }
  }

  ProxyClient send(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      channel.write(b);
    }
    return this;
  }

  ProxyClient send(String ascii) throws IOException {
    return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  byte[] read(int n) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(n);
    while (b.hasRemaining()) {
      if (channel.read(b) < 0) {
        throw new EOFException("the proxy closed after " + b.position() + " of " + n + " bytes");
      }
    }
    return b.array();
  }

  /** An HTTP response head, up to the blank line. */
  String head() throws IOException {
    StringBuilder s = new StringBuilder();
    while (!s.toString().endsWith("\r\n\r\n")) {
      s.append((char) (read(1)[0] & 0xff));
    }
    return s.toString();
  }

  /** Everything until the proxy closes. */
  String readAll() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer b = ByteBuffer.allocate(8192);
    while (channel.read(b) >= 0) {
      out.write(b.array(), 0, b.position());
      b.clear();
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Whether the proxy closed the connection (end of stream) without sending anything. */
  boolean closedWithoutAnswer() throws IOException {
    try {
      return channel.read(ByteBuffer.allocate(1)) < 0;
    } catch (IOException e) {
      return true; // reset
    }
  }

  /** A SOCKS5 no-auth greeting and request; returns the reply (10 bytes for IPv4, 22 for IPv6). */
  byte[] socks5(int command, byte[] address, int type, int port) throws IOException {
    send(new byte[] {5, 1, 0});
    byte[] method = read(2);
    if (method[0] != 5 || method[1] != 0) {
      throw new IOException("no-auth not accepted: " + method[1]);
    }
    ByteBuffer req = ByteBuffer.allocate(7 + address.length);
    req.put((byte) 5).put((byte) command).put((byte) 0).put((byte) type);
    if (type == 3) {
      req.put((byte) address.length);
    }
    req.put(address).putShort((short) port);
    send(java.util.Arrays.copyOf(req.array(), req.position()));
    byte[] head = read(4);
    int rest = head[3] == 4 ? 18 : 6;
    byte[] tail = read(rest);
    byte[] all = new byte[4 + rest];
    System.arraycopy(head, 0, all, 0, 4);
    System.arraycopy(tail, 0, all, 4, rest);
    return all;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
