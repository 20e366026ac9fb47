package io.sandbox4j.launcher.linux.seccomp;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Classic BPF as seccomp uses it: opcodes from linux/bpf_common.h, struct sock_filter {u16 code; u8
 * jt; u8 jf; u32 k} in little-endian (x86-64 and aarch64 are both little-endian), the layout of
 * struct seccomp_data from linux/seccomp.h and the SECCOMP_RET_* actions.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Bpf {
  private Bpf() {}

  static final int LD = 0x00;
  static final int ALU = 0x04;
  static final int JMP = 0x05;
  static final int RET = 0x06;
  static final int W = 0x00;
  static final int ABS = 0x20;
  static final int K = 0x00;
  static final int JA = 0x00;
  static final int JEQ = 0x10;
  static final int JGT = 0x20;
  static final int JGE = 0x30;
  static final int JSET = 0x40;
  static final int AND = 0x50;

  /** struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]. */
  static final int OFFSET_NR = 0;

  static final int OFFSET_ARCH = 4;

  /**
   * The low 32 bits of argument {@code i} (little-endian). Only these are ever compared: the kernel
   * truncates int and unsigned int arguments, so a filter that also demanded the high half be zero
   * could be bypassed with socket((1L << 32) | AF_INET, ...).
   */
  static int argLow(int i) {
    return 16 + 8 * i;
  }

  /**
   * The high 32 bits of argument {@code i}: only for pointers, whose every bit the kernel uses (a
   * NULL test must see both halves).
   */
  static int argHigh(int i) {
    return argLow(i) + 4;
  }

  static final int SECCOMP_RET_KILL_PROCESS = 0x80000000;
  static final int SECCOMP_RET_ERRNO = 0x00050000;
  static final int SECCOMP_RET_ALLOW = 0x7fff0000;

  static final int EPERM = 1;
  static final int ENOSYS = 38;
  static final int EAFNOSUPPORT = 97;

  /** One struct sock_filter. */
  public record Insn(int code, int jt, int jf, int k) {
    public Insn {
      if (code < 0 || code > 0xffff || jt < 0 || jt > 0xff || jf < 0 || jf > 0xff) {
        throw new IllegalArgumentException("not a sock_filter: " + code + "," + jt + "," + jf);
      }
    }
  }

  /** The program as the kernel takes it: 8 bytes per instruction, little-endian. */
  public static byte[] encode(List<Insn> program) {
    ByteBuffer b = ByteBuffer.allocate(program.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (Insn i : program) {
      b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
    }
    return b.array();
  }
}
