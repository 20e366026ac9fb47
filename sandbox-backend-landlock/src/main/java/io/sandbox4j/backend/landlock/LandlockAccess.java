package io.sandbox4j.backend.landlock;

/**
 * The kernel's Landlock access bits and which ABI introduced them.
 *
 * <p>Values checked against include/uapi/linux/landlock.h: the FS bits 0..13 against Debian 12's
 * /usr/include/linux/landlock.h (linux-libc-dev 6.1), TRUNCATE (1 << 14), IOCTL_DEV (1 << 15),
 * NET_BIND_TCP (1 << 0), NET_CONNECT_TCP (1 << 1), SCOPE_ABSTRACT_UNIX_SOCKET (1 << 0) and
 * SCOPE_SIGNAL (1 << 1) against newer copies of the same header (util-linux's setpriv landlock shim
 * and the kernel patch adding LANDLOCK_SCOPE_PATHNAME_UNIX_SOCKET (1 << 2), ABI 9, which this code
 * does not use). ABI per kernel: 1 = 5.13, 2 = 5.19, 3 = 6.2, 4 = 6.7, 5 = 6.10, 6 = 6.12, 7 = 6.15
 * (audit flags only).
 */
final class LandlockAccess {
  private LandlockAccess() {}

  static final long FS_EXECUTE = 1L << 0;
  static final long FS_WRITE_FILE = 1L << 1;
  static final long FS_READ_FILE = 1L << 2;
  static final long FS_READ_DIR = 1L << 3;
  static final long FS_REMOVE_DIR = 1L << 4;
  static final long FS_REMOVE_FILE = 1L << 5;
  static final long FS_MAKE_CHAR = 1L << 6;
  static final long FS_MAKE_DIR = 1L << 7;
  static final long FS_MAKE_REG = 1L << 8;
  static final long FS_MAKE_SOCK = 1L << 9;
  static final long FS_MAKE_FIFO = 1L << 10;
  static final long FS_MAKE_BLOCK = 1L << 11;
  static final long FS_MAKE_SYM = 1L << 12;

  /** ABI 2. Without it (ABI 1) the kernel refuses every cross-directory link and rename. */
  static final long FS_REFER = 1L << 13;

  /** ABI 3. Before it truncate(2), ftruncate(2) and O_TRUNC are not mediated at all. */
  static final long FS_TRUNCATE = 1L << 14;

  /** ABI 5. Before it ioctl(2) on device files is not mediated. */
  static final long FS_IOCTL_DEV = 1L << 15;

  static final long NET_BIND_TCP = 1L << 0;
  static final long NET_CONNECT_TCP = 1L << 1;

  static final long SCOPE_ABSTRACT_UNIX_SOCKET = 1L << 0;
  static final long SCOPE_SIGNAL = 1L << 1;

  /**
   * The rights that make sense on a file; the kernel rejects a rule on a non-directory carrying any
   * other right with EINVAL (ACCESS_FILE in security/landlock/fs.c).
   */
  static final long FS_FILE_RIGHTS =
      FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV;

  /** Read and run: what every path outside the writable roots gets (when readable at all). */
  static final long FS_READ_EXECUTE = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR;

  /** The newest ABI this code knows; newer kernels are treated as this one. */
  static final int LATEST_KNOWN_ABI = 7;

  /** Every filesystem right the given ABI can handle. */
  static long handledFs(int abi) {
    if (abi < 1) {
      return 0;
    }
    long mask = (1L << 13) - 1; // EXECUTE .. MAKE_SYM
    if (abi >= 2) {
      mask |= FS_REFER;
    }
    if (abi >= 3) {
      mask |= FS_TRUNCATE;
    }
    if (abi >= 5) {
      mask |= FS_IOCTL_DEV;
    }
    return mask;
  }

  /** The TCP rights the given ABI can handle (0 before ABI 4). */
  static long handledNet(int abi) {
    return abi >= 4 ? NET_BIND_TCP | NET_CONNECT_TCP : 0;
  }

  /** The scopes the given ABI can restrict (0 before ABI 6). */
  static long scopes(int abi) {
    return abi >= 6 ? SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL : 0;
  }
}
