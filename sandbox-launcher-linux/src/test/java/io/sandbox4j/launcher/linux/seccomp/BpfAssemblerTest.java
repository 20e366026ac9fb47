package io.sandbox4j.launcher.linux.seccomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BpfAssemblerTest {

  @Test
  void encodesSockFilterLittleEndian() {
    byte[] b = Bpf.encode(List.of(new Bpf.Insn(0x15, 1, 2, 0xC000003E)));
    assertThat(b).containsExactly(0x15, 0x00, 0x01, 0x02, 0x3E, 0x00, 0x00, (byte) 0xC0);
  }

  @Test
  void resolvesForwardLabels() {
    List<Bpf.Insn> p =
        new BpfAssembler()
            .loadWord(0)
            .jumpIfEqual(5, "yes", BpfAssembler.NEXT)
            .ret(1)
            .label("yes")
            .ret(2)
            .assemble();
    assertThat(p.get(1)).isEqualTo(new Bpf.Insn(0x15, 1, 0, 5));
  }

  @Test
  void refusesJumpsBeyond255AndUndefinedLabelsAndAMissingReturn() {
    BpfAssembler far = new BpfAssembler().jumpIfEqual(1, "end", BpfAssembler.NEXT);
    for (int i = 0; i < 256; i++) {
      far.ret(0);
    }
    far.label("end").ret(1);
    assertThatThrownBy(far::assemble).hasMessageContaining("out of range");
    assertThatThrownBy(() -> new BpfAssembler().jumpIfEqual(1, "x", null).ret(0).assemble())
        .hasMessageContaining("undefined label x");
    assertThatThrownBy(() -> new BpfAssembler().loadWord(0).assemble())
        .hasMessageContaining("must end with a return");
    // classic BPF jumps forward only
    assertThatThrownBy(
            () ->
                new BpfAssembler()
                    .label("back")
                    .ret(0)
                    .jumpIfEqual(1, "back", BpfAssembler.NEXT)
                    .ret(0)
                    .assemble())
        .hasMessageContaining("out of range");
  }

  @Test
  void andMasksTheAccumulator() {
    assertThat(new BpfAssembler().and(0xf).ret(0).assemble().get(0))
        .isEqualTo(new Bpf.Insn(0x54, 0, 0, 0xf));
  }

  @Test
  void theInterpreterRejectsWhatTheKernelWould() {
    byte[] badLoad = Bpf.encode(List.of(new Bpf.Insn(0x20, 0, 0, 64), new Bpf.Insn(0x06, 0, 0, 0)));
    assertThatThrownBy(() -> BpfInterpreter.run(badLoad, new BpfInterpreter.SeccompData(0, 0)))
        .hasMessageContaining("bad load offset");
    assertThatThrownBy(() -> BpfInterpreter.decode(new byte[7]))
        .hasMessageContaining("multiple of 8");
  }
}
