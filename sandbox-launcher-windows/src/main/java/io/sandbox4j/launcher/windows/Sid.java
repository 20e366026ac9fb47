package io.sandbox4j.launcher.windows;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * A Windows security identifier in string form ({@code S-1-5-32-544}), validated when made.
 *
 * @param value the SDDL string form
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Sid(String value) {
  private static final Pattern FORM = Pattern.compile("S-1-[0-9]{1,13}(-[0-9]{1,10}){1,15}");

  public static final Sid EVERYONE = new Sid("S-1-1-0");
  public static final Sid RESTRICTED_CODE = new Sid("S-1-5-12");
  public static final Sid LOCAL_SYSTEM = new Sid("S-1-5-18");
  public static final Sid BUILTIN_ADMINISTRATORS = new Sid("S-1-5-32-544");
  public static final Sid BUILTIN_USERS = new Sid("S-1-5-32-545");
  public static final Sid BUILTIN_POWER_USERS = new Sid("S-1-5-32-547");
  public static final Sid BUILTIN_BACKUP_OPERATORS = new Sid("S-1-5-32-551");
  public static final Sid BUILTIN_NETWORK_CONFIGURATION_OPERATORS = new Sid("S-1-5-32-556");
  public static final Sid BUILTIN_HYPER_V_ADMINISTRATORS = new Sid("S-1-5-32-578");

  /** Local account and member of Administrators (S-1-5-114). */
  public static final Sid LOCAL_ACCOUNT_AND_ADMIN = new Sid("S-1-5-114");

  public static final Sid LOW_INTEGRITY = new Sid("S-1-16-4096");
  public static final Sid ALL_APPLICATION_PACKAGES = new Sid("S-1-15-2-1");
  public static final Sid ALL_RESTRICTED_APPLICATION_PACKAGES = new Sid("S-1-15-2-2");
  public static final Sid CAPABILITY_INTERNET_CLIENT = new Sid("S-1-15-3-1");
  public static final Sid CAPABILITY_INTERNET_CLIENT_SERVER = new Sid("S-1-15-3-2");
  public static final Sid CAPABILITY_PRIVATE_NETWORK_CLIENT_SERVER = new Sid("S-1-15-3-3");

  /**
   * Stands, in a plan's ACL grants, for the run's AppContainer SID, which only exists once the
   * profile does: the launcher substitutes the real SID before applying a grant. (S-1-15-2-0 is not
   * a SID Windows issues.)
   */
  public static final Sid RUN_APPCONTAINER = new Sid("S-1-15-2-0");

  /**
   * Stands, in a token spec's restricting SIDs, for the caller's logon SID (S-1-5-5-X-Y, different
   * for every logon session): the launcher reads the real one from the caller's token (the group
   * with SE_GROUP_LOGON_ID) and substitutes it, see {@link WindowsPlanner#withLogonSid}. (The logon
   * session 0-0 is not one Windows issues.)
   */
  public static final Sid LOGON_SESSION = new Sid("S-1-5-5-0-0");

  public Sid {
    if (value == null || !FORM.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a SID in string form (S-1-<authority>-<sub-authority>...)");
    }
    String[] parts = value.split("-");
    for (int i = 3; i < parts.length; i++) {
      if (Long.parseLong(parts[i]) > 0xFFFFFFFFL) {
        throw new IllegalArgumentException(
            "SID '" + value + "': sub-authority " + parts[i] + " exceeds 32 bits");
      }
    }
  }

  /**
   * A capability-style SID (S-1-15-3-a-b-c-d) derived from {@code purpose} and {@code key} by
   * SHA-256: the same workspace always maps to the same SID, so its one-time ACL grants stay valid.
   */
  public static Sid derived(String purpose, String key) {
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest((purpose + "\0" + key).getBytes(StandardCharsets.UTF_8));
      return fromWords(h);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** A fresh random capability-style SID, e.g. for one run's private temporary directory. */
  public static Sid random(SecureRandom random) {
    byte[] b = new byte[16];
    random.nextBytes(b);
    return fromWords(b);
  }

  private static Sid fromWords(byte[] b) {
    StringBuilder s = new StringBuilder("S-1-15-3");
    for (int i = 0; i < 4; i++) {
      long w =
          ((b[i * 4] & 0xFFL) << 24)
              | ((b[i * 4 + 1] & 0xFFL) << 16)
              | ((b[i * 4 + 2] & 0xFFL) << 8)
              | (b[i * 4 + 3] & 0xFFL);
      s.append('-').append(w);
    }
    return new Sid(s.toString());
  }

  @Override
  public String toString() {
    return value;
  }
}
