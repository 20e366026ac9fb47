package io.sandbox4j.launcher.windows;

import java.util.ArrayList;
import java.util.List;

/**
 * One access-control entry of a DACL as read back from Windows (ACCESS_ALLOWED_ACE or
 * ACCESS_DENIED_ACE; other types are kept as {@link Type#OTHER} so indices stay those of the ACL).
 * The decisions the workspace setup takes on a DACL are the static methods here, in pure Java, so
 * they are tested on any OS against a model of Windows' ACE semantics.
 *
 * @param type allow, deny or another ACE type
 * @param sid the trustee
 * @param mask the access mask
 * @param flags the AceFlags byte (OBJECT_INHERIT_ACE, CONTAINER_INHERIT_ACE, INHERITED_ACE, ...)
 */
record Ace(Type type, Sid sid, int mask, int flags) {
  static final int OBJECT_INHERIT_ACE = Win32Constants.OBJECT_INHERIT_ACE;
  static final int CONTAINER_INHERIT_ACE = Win32Constants.CONTAINER_INHERIT_ACE;
  static final int INHERIT_ONLY_ACE = Win32Constants.INHERIT_ONLY_ACE;
  static final int INHERITED_ACE = Win32Constants.INHERITED_ACE;

  /** The ACE types the setup writes; everything else is OTHER. */
  enum Type {
    ALLOW,
    DENY,
    OTHER
  }

  boolean inherited() {
    return (flags & INHERITED_ACE) != 0;
  }

  /**
   * Whether {@code grant} is in place on an object whose DACL is {@code dacl}: an explicit (not
   * inherited) ACE of the grant's type for its trustee carries every right of the grant, inherited
   * by containers and objects when the grant is inheritable.
   *
   * <p>Decided from the ACEs themselves, never from effective rights: GetEffectiveRightsFromAclW
   * subtracts the trustee's deny ACEs (so ALLOW MODIFY next to DENY DELETE for the same SID never
   * looks "in place") and fails with ERROR_INVALID_ACL when the DACL holds an inherited deny ACE.
   */
  static boolean holds(List<Ace> dacl, AccessGrant grant) {
    Type type =
        switch (grant.mode()) {
          case ALLOW -> Type.ALLOW;
          case DENY -> Type.DENY;
          case LOW_INTEGRITY_LABEL ->
              throw new IllegalArgumentException("a label is not an ACE: " + grant);
        };
    int inheritance = grant.inherit() ? OBJECT_INHERIT_ACE | CONTAINER_INHERIT_ACE : 0;
    for (Ace a : dacl) {
      if (a.type == type
          && !a.inherited()
          && a.sid.equals(grant.trustee())
          && (a.mask & grant.accessMask()) == grant.accessMask()
          && (a.flags & inheritance) == inheritance) {
        return true;
      }
    }
    return false;
  }

  /**
   * The file rights a DACL gives to a caller holding exactly {@code sids}, evaluated as the access
   * check walks a DACL: in order, ACEs that apply to the object itself (not INHERIT_ONLY_ACE) for
   * one of {@code sids}; a right denied before it is allowed stays denied; generic rights are
   * mapped to file rights. Used for the AppContainer read checks, whose trustees (the container
   * SID, ALL APPLICATION PACKAGES) appear in ACEs directly, so no group expansion is needed, and
   * which must not fail on an inherited deny ACE as GetEffectiveRightsFromAclW does
   * (ERROR_INVALID_ACL).
   */
  static int rights(List<Ace> dacl, java.util.Set<Sid> sids) {
    int denied = 0;
    int allowed = 0;
    for (Ace a : dacl) {
      if ((a.flags & INHERIT_ONLY_ACE) != 0 || !sids.contains(a.sid)) {
        continue;
      }
      int mask = fileRights(a.mask);
      if (a.type == Type.DENY) {
        denied |= mask & ~allowed;
      } else if (a.type == Type.ALLOW) {
        allowed |= mask & ~denied;
      }
    }
    return allowed;
  }

  /** {@code mask} with GENERIC_READ/WRITE/EXECUTE/ALL replaced by the file rights they map to. */
  static int fileRights(int mask) {
    int m = mask & 0x0FFFFFFF;
    if ((mask & Win32Constants.GENERIC_READ) != 0) {
      m |= Win32Constants.FILE_GENERIC_READ;
    }
    if ((mask & Win32Constants.GENERIC_WRITE) != 0) {
      m |= Win32Constants.FILE_GENERIC_WRITE;
    }
    if ((mask & Win32Constants.GENERIC_EXECUTE) != 0) {
      m |= Win32Constants.FILE_GENERIC_EXECUTE;
    }
    if ((mask & Win32Constants.GENERIC_ALL) != 0) {
      m |= Win32Constants.FILE_ALL_ACCESS;
    }
    return m;
  }

  /**
   * The indices, highest first (the order to delete them in), of the explicit deny ACEs for {@code
   * grant}'s trustee. Reverting a deny grant deletes exactly these: SetEntriesInAclW's
   * REVOKE_ACCESS removes only allow and audit entries, so it would leave the denial in place.
   */
  static List<Integer> explicitDenials(List<Ace> dacl, AccessGrant grant) {
    List<Integer> indices = new ArrayList<>();
    for (int i = dacl.size() - 1; i >= 0; i--) {
      Ace a = dacl.get(i);
      if (a.type == Type.DENY && !a.inherited() && a.sid.equals(grant.trustee())) {
        indices.add(i);
      }
    }
    return List.copyOf(indices);
  }
}
