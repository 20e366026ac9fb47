package io.sandbox4j.launcher.linux.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a seccomp program from its bytes and runs it on one seccomp_data, the way the kernel's
 * classic BPF checker and interpreter would for the instructions the generator uses. Anything else
 * (an unknown opcode, a misaligned or out-of-range load, a jump past the end) is an error.
 */
final class BpfInterpreter {

  /** struct seccomp_data; args are full 64-bit values. */
  record SeccompData(int nr, int arch, long... args) {
    SeccompData {
      if (args.length > 6) {
        throw new IllegalArgumentException("at most 6 arguments");
      }
      long[] six = new long[6];
      System.arraycopy(args, 0, six, 0, args.length);
      args = six;
    }

    byte[] bytes() {
      ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(nr).putInt(arch).putLong(0x401000L);
      for (long a : args) {
        b.putLong(a);
      }
      return b.array();
    }
  }

  static List<Bpf.Insn> decode(byte[] program) {
    if (program.length == 0 || program.length % 8 != 0) {
      throw new IllegalArgumentException("length " + program.length + " is not a multiple of 8");
    }
    ByteBuffer b = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    List<Bpf.Insn> out = new ArrayList<>();
    while (b.hasRemaining()) {
      int code = b.getShort() & 0xffff;
      int jt = b.get() & 0xff;
      int jf = b.get() & 0xff;
      int k = b.getInt();
      out.add(new Bpf.Insn(code, jt, jf, k));
    }
    if (out.size() > 4096) {
      throw new IllegalArgumentException("more than BPF_MAXINSNS instructions");
    }
    return out;
  }

  /** The action (SECCOMP_RET_*) the program returns for this system call. */
  static int run(byte[] program, SeccompData data) {
    List<Bpf.Insn> insns = decode(program);
    ByteBuffer d = ByteBuffer.wrap(data.bytes()).order(ByteOrder.LITTLE_ENDIAN);
    int a = 0;
    int pc = 0;
    while (true) {
      if (pc < 0 || pc >= insns.size()) {
        throw new IllegalStateException("fell off the program at " + pc);
      }
      Bpf.Insn i = insns.get(pc);
      switch (i.code()) {
        case Bpf.LD | Bpf.W | Bpf.ABS -> {
          if (i.k() < 0 || i.k() > 60 || i.k() % 4 != 0) {
            throw new IllegalStateException("bad load offset " + i.k() + " at " + pc);
          }
          a = d.getInt(i.k());
          pc++;
        }
        case Bpf.JMP | Bpf.JA -> pc += 1 + i.k();
        case Bpf.JMP | Bpf.JEQ | Bpf.K -> pc += 1 + (a == i.k() ? i.jt() : i.jf());
        case Bpf.JMP | Bpf.JGT | Bpf.K ->
            pc += 1 + (Integer.compareUnsigned(a, i.k()) > 0 ? i.jt() : i.jf());
        case Bpf.JMP | Bpf.JGE | Bpf.K ->
            pc += 1 + (Integer.compareUnsigned(a, i.k()) >= 0 ? i.jt() : i.jf());
        case Bpf.JMP | Bpf.JSET | Bpf.K -> pc += 1 + ((a & i.k()) != 0 ? i.jt() : i.jf());
        case Bpf.ALU | Bpf.AND | Bpf.K -> {
          a &= i.k();
          pc++;
        }
        case Bpf.RET | Bpf.K -> {
          return i.k();
        }
        default ->
            throw new IllegalStateException(
                "unsupported opcode 0x" + Integer.toHexString(i.code()) + " at " + pc);
      }
    }
  }

  /** One line per instruction, for golden files: "pc: mnemonic operands". */
  static String disassemble(byte[] program) {
    StringBuilder s = new StringBuilder();
    List<Bpf.Insn> insns = decode(program);
    for (int pc = 0; pc < insns.size(); pc++) {
      Bpf.Insn i = insns.get(pc);
      String text =
          switch (i.code()) {
            case Bpf.LD | Bpf.W | Bpf.ABS -> "ld  [" + i.k() + "]";
            case Bpf.JMP | Bpf.JEQ | Bpf.K -> jump("jeq", i, pc);
            case Bpf.JMP | Bpf.JGE | Bpf.K -> jump("jge", i, pc);
            case Bpf.JMP | Bpf.JGT | Bpf.K -> jump("jgt", i, pc);
            case Bpf.JMP | Bpf.JSET | Bpf.K -> jump("jset", i, pc);
            case Bpf.ALU | Bpf.AND | Bpf.K -> "and #0x" + Integer.toHexString(i.k());
            case Bpf.RET | Bpf.K -> "ret " + action(i.k());
            default -> "?? 0x" + Integer.toHexString(i.code());
          };
      s.append(String.format("%3d: %s%n", pc, text));
    }
    return s.toString();
  }

  private static String jump(String op, Bpf.Insn i, int pc) {
    return op
        + " #0x"
        + Integer.toHexString(i.k())
        + " jt "
        + (pc + 1 + i.jt())
        + " jf "
        + (pc + 1 + i.jf());
  }

  static String action(int k) {
    if (k == Bpf.SECCOMP_RET_ALLOW) {
      return "ALLOW";
    }
    if (k == Bpf.SECCOMP_RET_KILL_PROCESS) {
      return "KILL_PROCESS";
    }
    if ((k & 0xffff0000) == Bpf.SECCOMP_RET_ERRNO) {
      return "ERRNO(" + (k & 0xffff) + ")";
    }
    return "0x" + Integer.toHexString(k);
  }
}
