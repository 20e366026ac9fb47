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
  static final int OBJECT_INHERIT_ACE = 0x1;
  static final int CONTAINER_INHERIT_ACE = 0x2;
  static final int INHERITED_ACE = 0x10;

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
