package io.sandbox4j.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line filter between the client and the SDK's transport. */
class StdioLinesTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final List<Object> cancelled = new ArrayList<>();
  private final StdioLines lines =
      new StdioLines(new ByteArrayInputStream(new byte[0]), out, cancelled::add);

  private String written() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLineThatIsNotJsonGetsAParseErrorAndGoesNoFurther() {
    assertThat(lines.filter("{not json")).isNull();
    assertThat(written()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700");
  }

  @Test
  void jsonThatIsNotJsonRpcGetsAnInvalidRequestWithItsId() {
    assertThat(lines.filter("{\"id\":4,\"method\":\"tools/list\"}")).isNull();
    assertThat(lines.filter("[1,2]")).isNull();
    assertThat(lines.filter("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":7}")).isNull();
    assertThat(written().lines())
        .hasSize(3)
        .allSatisfy(l -> assertThat(l).contains("\"code\":-32600"));
    assertThat(written()).contains("\"id\":4", "\"id\":5");
  }

  @Test
  void aCancellationReachesTheRunAndNotTheSdk() {
    assertThat(
            lines.filter(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":\"abc-3\"}}"))
        .isNull();
    assertThat(
            lines.filter(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":12}}"))
        .isNull();
    assertThat(cancelled).containsExactly("abc-3", 12L);
    assertThat(written()).isEmpty();
  }

  @Test
  void aToolCallCarriesItsIdInMetaAndOtherLinesPassUnchanged() {
    String call =
        "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"run_command\",\"_meta\":{\"progressToken\":\"p\"}}}";
    assertThat(lines.filter(call))
        .contains("\"progressToken\":\"p\"", "\"" + StdioLines.REQUEST_ID_META + "\":9");
    String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";
    assertThat(lines.filter(list)).isEqualTo(list);
    assertThat(lines.filter("   ")).isNull();
    assertThat(written()).isEmpty();
    assertThat(StdioLines.key(9)).isEqualTo(StdioLines.key(9L));
  }

  @Test
  void anIdTheSdkCannotMapIsAnInvalidRequest() {
    for (String id :
        List.of("1e400", "123456789012345678901234567890", "1.5", "null", "{}", "true")) {
      assertThat(lines.filter("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"))
          .as(id)
          .isNull();
    }
    assertThat(written().lines())
        .hasSize(6)
        .allSatisfy(l -> assertThat(l).contains("\"id\":null", "\"code\":-32600"));
    assertThat(lines.filter("{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,\"method\":\"ping\"}"))
        .isNotNull();
  }

  @Test
  void aLineOverTheLimitIsSkippedWithAnErrorAndReadingGoesOn() throws Exception {
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    String input = "x".repeat(100_000) + "\r\n" + ping + "\r\n" + "y".repeat(101) + "\n" + ping;
    StdioLines small =
        new StdioLines(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            cancelled::add,
            100,
            10);
    String read = new String(small.input().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(read).isEqualTo(ping + "\n" + ping + "\n");
    assertThat(written().lines())
        .hasSize(2)
        .allSatisfy(l -> assertThat(l).contains("\"code\":-32600", "longer than 100"));
  }

  @Test
  void callsOverTheLimitAreBusyUntilOneIsAnswered() throws Exception {
    StdioLines two =
        new StdioLines(new ByteArrayInputStream(new byte[0]), out, cancelled::add, 1000, 2);
    String call = "{\"jsonrpc\":\"2.0\",\"id\":%s,\"method\":\"tools/call\",\"params\":{}}";
    assertThat(two.filter(call.formatted(1))).isNotNull();
    assertThat(two.filter(call.formatted("\"b\""))).isNotNull();
    assertThat(two.filter(call.formatted(3))).isNull();
    assertThat(written()).contains("\"id\":3", "\"code\":-32000", "busy");
    two.output()
        .write(
            "{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"result\":{}}\n".getBytes(StandardCharsets.UTF_8));
    assertThat(two.filter(call.formatted(4))).isNotNull();
    assertThat(two.filter(call.formatted(5))).isNull();
  }
}
