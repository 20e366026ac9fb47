package io.sandbox4j.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * SOCKS5 (RFC 1928) without authentication: CONNECT to an IPv4 address, an IPv6 address or a domain
 * name (resolved here, so {@code socks5h://} and {@code socks5://} are judged alike). BIND and UDP
 * ASSOCIATE are refused with "command not supported": the sandbox gets no inbound connections and
 * no UDP through the proxy.
 */
final class Socks5Protocol {
  static final int SUCCEEDED = 0;
  static final int GENERAL_FAILURE = 1;
  static final int NOT_ALLOWED_BY_RULESET = 2;
  static final int NETWORK_UNREACHABLE = 3;
  static final int HOST_UNREACHABLE = 4;
  static final int CONNECTION_REFUSED = 5;
  static final int COMMAND_NOT_SUPPORTED = 7;
  static final int ADDRESS_TYPE_NOT_SUPPORTED = 8;

  private final Connection connection;
  private final Inbound in;

  Socks5Protocol(Connection connection, Inbound in) {
    this.connection = connection;
    this.in = in;
  }

  void serve() throws IOException {
    in.u8(); // version 5
    int methods = in.u8();
    if (methods == 0) {
      connection.write(ByteBuffer.wrap(new byte[] {5, (byte) 0xff}));
      return;
    }
    boolean noAuth = false;
    for (byte m : in.bytes(methods)) {
      noAuth |= m == 0;
    }
    if (!noAuth) {
      connection.write(ByteBuffer.wrap(new byte[] {5, (byte) 0xff})); // no acceptable method
      return;
    }
    connection.write(ByteBuffer.wrap(new byte[] {5, 0}));

    if (in.u8() != 5) {
      return;
    }
    int command = in.u8();
    in.u8(); // reserved
    int type = in.u8();
    String host;
    switch (type) {
      case 1 -> host = Addresses.text(Addresses.of(in.bytes(4)));
      case 4 -> host = Addresses.text(Addresses.of(in.bytes(16)));
      case 3 -> {
        int len = in.u8();
        host = new String(in.bytes(len), StandardCharsets.ISO_8859_1);
      }
      default -> {
        reply(ADDRESS_TYPE_NOT_SUPPORTED);
        return;
      }
    }
    int port = in.u16();
    if (command != 1) { // 2 BIND, 3 UDP ASSOCIATE
      String name = command == 2 ? "BIND" : command == 3 ? "UDP ASSOCIATE" : "command " + command;
      connection.recordDenied("SOCKS5", host, port, "SOCKS5 " + name + " is not supported");
      reply(COMMAND_NOT_SUPPORTED);
      return;
    }
    Instant start = Instant.now();
    Connection.Attempt attempt = connection.open("SOCKS5", host, port);
    if (!attempt.connected()) {
      NetworkEvent ev = attempt.event();
      int code =
          switch (ev.outcome()) {
            case DENIED -> NOT_ALLOWED_BY_RULESET;
            default ->
                ev.reason().equals("connection refused")
                    ? CONNECTION_REFUSED
                    : ev.reason().equals("no route to host")
                        ? NETWORK_UNREACHABLE
                        : HOST_UNREACHABLE;
          };
      reply(code);
      return;
    }
    // The bound address a client could use for nothing but learning the host's address: zeros.
    reply(SUCCEEDED);
    connection.relay("SOCKS5", host, port, attempt, start, false, in.rest());
  }

  /** A reply with the bound address 0.0.0.0:0. */
  private void reply(int code) throws IOException {
    connection.write(ByteBuffer.wrap(new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0}));
  }
}
