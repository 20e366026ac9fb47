package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * One ACE the workspace setup puts on a file or directory for a sandbox trustee SID (applied once
 * per workspace through SetEntriesInAclW/SetNamedSecurityInfoW, recorded, reverted by cleanup).
 *
 * <p>Windows' canonical ACE order puts explicit deny ACEs before allow ACEs, whatever the order in
 * which they are added.
 *
 * @param path absolute path of the object
 * @param trustee the SID the ACE names (an AppContainer SID or a sandbox restricting SID)
 * @param mode allow or deny
 * @param accessMask the file access rights (FILE_GENERIC_READ, ...)
 * @param inherit whether the ACE is inherited by everything beneath (containers and objects)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record AccessGrant(Path path, Sid trustee, Mode mode, int accessMask, boolean inherit) {

  /** Allow or deny ACE. */
  public enum Mode {
    ALLOW,
    DENY,
    /**
     * Not an ACE but the object's mandatory label: low integrity, no-write-up, inherited, so a
     * low-integrity sandbox can write there. The trustee is {@link Sid#LOW_INTEGRITY}.
     */
    LOW_INTEGRITY_LABEL
  }

  /** Read, execute and list: FILE_GENERIC_READ | FILE_GENERIC_EXECUTE. */
  public static final int READ_EXECUTE =
      Win32Constants.FILE_GENERIC_READ | Win32Constants.FILE_GENERIC_EXECUTE;

  /**
   * "Modify" without FILE_DELETE_CHILD: read, write, execute and DELETE on each object. Leaving out
   * FILE_DELETE_CHILD matters: with it a sandbox could delete or rename a protected child whatever
   * that child's own deny ACE says.
   */
  public static final int MODIFY =
      READ_EXECUTE | Win32Constants.FILE_GENERIC_WRITE | Win32Constants.DELETE;

  /** Every way of changing an object or its security: denied on protected paths. */
  public static final int ALL_WRITES =
      Win32Constants.FILE_WRITE_DATA
          | Win32Constants.FILE_APPEND_DATA
          | Win32Constants.FILE_WRITE_EA
          | Win32Constants.FILE_WRITE_ATTRIBUTES
          | Win32Constants.FILE_DELETE_CHILD
          | Win32Constants.DELETE
          | Win32Constants.WRITE_DAC
          | Win32Constants.WRITE_OWNER;

  public AccessGrant {
    if (path == null || !path.isAbsolute()) {
      throw new IllegalArgumentException("ACL grant path '" + path + "' must be absolute");
    }
    if (trustee == null || mode == null) {
      throw new IllegalArgumentException("ACL grant on " + path + " needs a trustee and a mode");
    }
    if (accessMask == 0) {
      throw new IllegalArgumentException("ACL grant on " + path + " has an empty access mask");
    }
    path = path.normalize();
  }

  /** One line of the workspace record: MODE|mask-hex|inherit|SID|path. */
  String toRecord() {
    return mode
        + "|"
        + Integer.toHexString(accessMask)
        + "|"
        + inherit
        + "|"
        + trustee
        + "|"
        + path;
  }

  static AccessGrant fromRecord(String line, java.nio.file.FileSystem fs) {
    String[] f = line.split("\\|", 5);
    if (f.length != 5) {
      throw new IllegalArgumentException("malformed ACL grant record '" + line + "'");
    }
    return new AccessGrant(
        fs.getPath(f[4]),
        new Sid(f[3]),
        Mode.valueOf(f[0]),
        Integer.parseUnsignedInt(f[1], 16),
        Boolean.parseBoolean(f[2]));
  }
}
