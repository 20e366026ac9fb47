package io.sandbox4j.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/1.x proxy requests: {@code CONNECT host:port} opens a tunnel (TLS passes through untouched),
 * an absolute-form request ({@code GET http://host/path}) is forwarded, one request per connection:
 * the proxy sends {@code Connection: close} and closes the client when the destination is done.
 * Whatever the client sends after its request goes to the same destination, so a connection can
 * never reach a second host.
 */
final class HttpProxyProtocol {
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "proxy-authenticate",
          "proxy-authorization",
          "te",
          "trailer",
          "upgrade");

  private final Connection connection;
  private final Inbound in;

  HttpProxyProtocol(Connection connection, Inbound in) {
    this.connection = connection;
    this.in = in;
  }

  /** A request the proxy answers itself, with this status. */
  static final class Refusal extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    Refusal(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  void serve() throws IOException {
    try {
      String head;
      try {
        head = in.head();
      } catch (Inbound.TooLarge e) {
        throw new Refusal(431, e.getMessage());
      }
      handle(head);
    } catch (Refusal r) {
      answer(r.status, "sandbox4j: " + r.getMessage());
    }
  }

  private void handle(String head) throws IOException, Refusal {
    String[] lines = head.substring(0, head.length() - 4).split("\r\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3
        || !requestLine[0].matches("[A-Z]{1,20}")
        || !requestLine[2].matches("HTTP/1\\.[01]")
        || requestLine[1].isEmpty()) {
      throw new Refusal(400, "malformed request line");
    }
    String method = requestLine[0];
    String target = requestLine[1];
    List<String[]> headers = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || !line.substring(0, colon).matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        throw new Refusal(400, "malformed header line " + i);
      }
      String value = line.substring(colon + 1).strip();
      if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
        throw new Refusal(400, "control character in header " + line.substring(0, colon));
      }
      headers.add(new String[] {line.substring(0, colon), value});
    }
    if (method.equals("CONNECT")) {
      Authority a = Authority.parse(target, -1);
      if (a == null) {
        throw new Refusal(400, "CONNECT needs host:port, not '" + target + "'");
      }
      connect(a);
      return;
    }
    forward(method, target, requestLine[2], headers);
  }

  private void connect(Authority a) throws IOException {
    open("CONNECT", a, false, in.rest());
  }

  /**
   * Opens the judged connection to {@code a} and relays, or answers the refusal. A tunnel is told
   * it is established first; a forwarded request ends with the destination's answer.
   */
  private void open(String protocol, Authority a, boolean forwarding, ByteBuffer... first)
      throws IOException {
    Instant start = Instant.now();
    Connection.Attempt attempt = connection.open(protocol, a.host(), a.port());
    if (!attempt.connected()) {
      refuse(attempt);
      return;
    }
    if (!forwarding) {
      connection.write(
          ByteBuffer.wrap(
              "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
    }
    connection.relay(protocol, a.host(), a.port(), attempt, start, forwarding, first);
  }

  private void forward(String method, String target, String version, List<String[]> headers)
      throws IOException, Refusal {
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      throw new Refusal(400, "send https:// requests through CONNECT, not as plain requests");
    }
    if (!lower.startsWith("http://")) {
      throw new Refusal(
          400, "this is a proxy: send an absolute URI (http://host/path) or CONNECT host:port");
    }
    String rest = target.substring("http://".length());
    int end = 0;
    while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) {
      end++;
    }
    Authority a = Authority.parse(rest.substring(0, end), 80);
    if (a == null) {
      throw new Refusal(400, "no valid host in '" + target + "'");
    }
    String path = rest.substring(end);
    int hash = path.indexOf('#');
    path = hash >= 0 ? path.substring(0, hash) : path;
    path = path.isEmpty() ? "/" : path.startsWith("?") ? "/" + path : path;

    Set<String> named = new HashSet<>();
    int hosts = 0;
    for (String[] h : headers) {
      String name = h[0].toLowerCase(Locale.ROOT);
      if (name.equals("connection") || name.equals("proxy-connection")) {
        for (String token : h[1].split(",")) {
          named.add(token.strip().toLowerCase(Locale.ROOT));
        }
      }
      if (name.equals("host")) {
        hosts++;
        Authority given = Authority.parse(h[1], 80);
        if (given == null || !given.sameAs(a)) {
          throw new Refusal(
              400, "the Host header '" + h[1] + "' does not agree with the URI '" + target + "'");
        }
      }
    }
    if (hosts > 1) {
      throw new Refusal(400, "more than one Host header");
    }
    StringBuilder out = new StringBuilder();
    out.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
    if (hosts == 0) {
      out.append("Host: ").append(a.text(80)).append("\r\n");
    }
    for (String[] h : headers) {
      String name = h[0].toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !named.contains(name)) {
        out.append(h[0]).append(": ").append(h[1]).append("\r\n");
      }
    }
    out.append("Connection: close\r\n\r\n");
    open(
        "HTTP",
        a,
        true,
        ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.ISO_8859_1)),
        in.rest());
  }

  private void refuse(Connection.Attempt attempt) throws IOException {
    NetworkEvent ev = attempt.event();
    int status =
        ev.outcome() == NetworkEvent.Outcome.DENIED
            ? 403
            : ev.reason().startsWith("no answer") ? 504 : 502;
    answer(status, "sandbox4j: " + ev.summary());
  }

  private void answer(int status, String message) throws IOException {
    String reason =
        switch (status) {
          case 400 -> "Bad Request";
          case 403 -> "Forbidden";
          case 431 -> "Request Header Fields Too Large";
          case 502 -> "Bad Gateway";
          case 504 -> "Gateway Timeout";
          default -> "Error";
        };
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + reason
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: "
            + body.length
            + "\r\nConnection: close\r\n\r\n";
    connection.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
    connection.write(ByteBuffer.wrap(body));
  }

  /** {@code host:port} or {@code [v6]:port}, the port optional when a default is given. */
  record Authority(String host, int port) {
    static Authority parse(String text, int defaultPort) {
      String host;
      String port = null;
      if (text.indexOf('@') >= 0) {
        return null;
      }
      if (text.startsWith("[")) {
        int close = text.indexOf(']');
        if (close < 0) {
          return null;
        }
        host = text.substring(0, close + 1);
        String rest = text.substring(close + 1);
        if (!rest.isEmpty()) {
          if (!rest.startsWith(":")) {
            return null;
          }
          port = rest.substring(1);
        }
      } else {
        int colon = text.indexOf(':');
        if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
          return null;
        }
        host = colon < 0 ? text : text.substring(0, colon);
        port = colon < 0 ? null : text.substring(colon + 1);
      }
      int p;
      if (port == null) {
        if (defaultPort < 0) {
          return null;
        }
        p = defaultPort;
      } else {
        if (!port.matches("[0-9]{1,5}")) {
          return null;
        }
        p = Integer.parseInt(port);
      }
      String h = NetworkRules.normalizeHost(host);
      if (h == null || p < 1 || p > 65535) {
        return null;
      }
      return new Authority(h, p);
    }

    boolean sameAs(Authority other) {
      return host.equals(other.host) && port == other.port;
    }

    String text(int defaultPort) {
      String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      return port == defaultPort ? h : h + ":" + port;
    }
  }
}
