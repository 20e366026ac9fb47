package io.sandbox4j.backend.namespaces;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny classic-BPF assembler for seccomp programs: loads, conditional jumps to named labels
 * (forward only, as the kernel requires) and returns, encoded as 8-byte little-endian struct
 * sock_filter {u16 code; u8 jt; u8 jf; u32 k}. Only what {@link SocketFilter} needs.
 */
final class Bpf {
  static final int LD_W_ABS = 0x20; // BPF_LD | BPF_W | BPF_ABS
  static final int JEQ_K = 0x15; // BPF_JMP | BPF_JEQ | BPF_K
  static final int JGE_K = 0x35; // BPF_JMP | BPF_JGE | BPF_K
  static final int AND_K = 0x54; // BPF_ALU | BPF_AND | BPF_K
  static final int RET_K = 0x06; // BPF_RET | BPF_K

  private record Insn(int code, String jt, String jf, int k) {}

  private final List<Insn> insns = new ArrayList<>();
  private final Map<String, Integer> labels = new HashMap<>();

  /** A = the 32-bit word at {@code offset} of struct seccomp_data. */
  Bpf load(int offset) {
    insns.add(new Insn(LD_W_ABS, null, null, offset));
    return this;
  }

  /** A &= k. */
  Bpf and(int k) {
    insns.add(new Insn(AND_K, null, null, k));
    return this;
  }

  /** If A == k go to {@code ifTrue}, else to {@code ifFalse}; null means the next instruction. */
  Bpf jeq(int k, String ifTrue, String ifFalse) {
    insns.add(new Insn(JEQ_K, ifTrue, ifFalse, k));
    return this;
  }

  /** If A >= k (unsigned) go to {@code ifTrue}, else to {@code ifFalse}; null: next. */
  Bpf jge(int k, String ifTrue, String ifFalse) {
    insns.add(new Insn(JGE_K, ifTrue, ifFalse, k));
    return this;
  }

  Bpf ret(int action) {
    insns.add(new Insn(RET_K, null, null, action));
    return this;
  }

  /** Names the next instruction. */
  Bpf label(String name) {
    if (labels.putIfAbsent(name, insns.size()) != null) {
      throw new IllegalStateException("label " + name + " defined twice");
    }
    return this;
  }

  byte[] assemble() {
    ByteBuffer out = ByteBuffer.allocate(insns.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < insns.size(); i++) {
      Insn n = insns.get(i);
      out.putShort((short) n.code());
      out.put((byte) offset(i, n.jt()));
      out.put((byte) offset(i, n.jf()));
      out.putInt(n.k());
    }
    return out.array();
  }

  /** The jump offset from instruction {@code from} to {@code label}: forward, at most 255. */
  private int offset(int from, String label) {
    if (label == null) {
      return 0;
    }
    Integer to = labels.get(label);
    if (to == null) {
      throw new IllegalStateException("undefined label " + label);
    }
    int off = to - from - 1;
    if (off < 0 || off > 255) {
      throw new IllegalStateException("jump to " + label + " out of range: " + off);
    }
    return off;
  }
}
