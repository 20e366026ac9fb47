package io.sandbox4j.launcher.linux.seccomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a classic BPF program with named forward jump targets: the one assembler of every seccomp
 * program sandbox4j installs. Classic BPF only jumps forward, so every program terminates;
 * conditional jumps reach at most 255 instructions ahead, which {@link #assemble()} checks.
 */
final class BpfAssembler {
  /** Jump target meaning "the next instruction". */
  static final String NEXT = null;

  private record Pending(int code, String jt, String jf, int k) {}

  private final List<Pending> code = new ArrayList<>();
  private final Map<String, Integer> labels = new HashMap<>();

  BpfAssembler loadWord(int offset) {
    code.add(new Pending(Bpf.LD | Bpf.W | Bpf.ABS, NEXT, NEXT, offset));
    return this;
  }

  /** A &= k. */
  BpfAssembler and(int k) {
    code.add(new Pending(Bpf.ALU | Bpf.AND | Bpf.K, NEXT, NEXT, k));
    return this;
  }

  BpfAssembler jumpIfEqual(int k, String ifTrue, String ifFalse) {
    return jump(Bpf.JEQ, k, ifTrue, ifFalse);
  }

  BpfAssembler jumpIfAtLeast(int k, String ifTrue, String ifFalse) {
    return jump(Bpf.JGE, k, ifTrue, ifFalse);
  }

  BpfAssembler jumpIfAnyBit(int k, String ifTrue, String ifFalse) {
    return jump(Bpf.JSET, k, ifTrue, ifFalse);
  }

  private BpfAssembler jump(int op, int k, String ifTrue, String ifFalse) {
    code.add(new Pending(Bpf.JMP | op | Bpf.K, ifTrue, ifFalse, k));
    return this;
  }

  BpfAssembler ret(int action) {
    code.add(new Pending(Bpf.RET | Bpf.K, NEXT, NEXT, action));
    return this;
  }

  /** Names the next instruction. */
  BpfAssembler label(String name) {
    if (labels.putIfAbsent(name, code.size()) != null) {
      throw new IllegalStateException("label " + name + " defined twice");
    }
    return this;
  }

  List<Bpf.Insn> assemble() {
    List<Bpf.Insn> out = new ArrayList<>(code.size());
    for (int pc = 0; pc < code.size(); pc++) {
      Pending p = code.get(pc);
      out.add(new Bpf.Insn(p.code(), offset(pc, p.jt()), offset(pc, p.jf()), p.k()));
    }
    if (out.isEmpty() || (out.get(out.size() - 1).code() & 0x07) != Bpf.RET) {
      throw new IllegalStateException("a seccomp program must end with a return");
    }
    return List.copyOf(out);
  }

  private int offset(int pc, String label) {
    if (label == null) {
      return 0;
    }
    Integer target = labels.get(label);
    if (target == null) {
      throw new IllegalStateException("undefined label " + label);
    }
    int offset = target - pc - 1;
    if (offset < 0 || offset > 255) {
      throw new IllegalStateException(
          "jump from " + pc + " to " + label + " (" + offset + ") is out of range 0..255");
    }
    return offset;
  }
}
