package io.sandbox4j.launcher.windows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model of NTFS DACLs with the ACE semantics the workspace setup depends on, from Microsoft's
 * documentation of ACCESS_MODE, SetEntriesInAcl and GetEffectiveRightsFromAcl:
 *
 * <ul>
 *   <li>each object has explicit ACEs in canonical order (explicit denies, then explicit allows);
 *       its inherited ACEs are computed from its parent's inheritable ACEs (automatic inheritance),
 *       flagged INHERITED_ACE, after the explicit ones;
 *   <li>GRANT_ACCESS combines the rights with the trustee's existing allowed rights (one ACE per
 *       inheritance) and takes them out of its explicit denied rights; DENY_ACCESS adds to the
 *       trustee's denied rights; REVOKE_ACCESS removes the trustee's explicit allow (and audit)
 *       ACEs only, never a deny;
 *   <li>{@link #effectiveRights} is GetEffectiveRightsFromAclW: denies subtract, and an inherited
 *       deny ACE makes it fail with ERROR_INVALID_ACL (1336).
 * </ul>
 *
 * Every SetNamedSecurityInfoW is counted in {@link #aclWrites}.
 */
final class FakeAcls implements WindowsWorkspaceSetup.Operations {
  static final int ERROR_INVALID_ACL = 1336;

  final Map<Path, List<Ace>> explicit = new HashMap<>();
  final AtomicInteger aclWrites = new AtomicInteger();
  final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());

  /** How many apply calls run at once (the setup must serialise them per workspace). */
  final AtomicInteger running = new AtomicInteger();

  final AtomicInteger maxRunning = new AtomicInteger();
  volatile long applyMillis;
  volatile Path failRevokeOn;

  @Override
  public synchronized List<Ace> dacl(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalStateException("GetNamedSecurityInfoW(" + path + "): file not found");
    }
    List<Ace> all = new ArrayList<>(explicit.getOrDefault(path, List.of()));
    all.addAll(inheritedBy(path));
    return all;
  }

  private List<Ace> inheritedBy(Path path) {
    Path parent = path.getParent();
    if (parent == null) {
      return List.of();
    }
    List<Ace> out = new ArrayList<>();
    for (Ace a : dacl(parent)) {
      int inheritance = Ace.OBJECT_INHERIT_ACE | Ace.CONTAINER_INHERIT_ACE;
      if ((a.flags() & inheritance) != 0) {
        out.add(new Ace(a.type(), a.sid(), a.mask(), a.flags() | Ace.INHERITED_ACE));
      }
    }
    return out;
  }

  /** GetEffectiveRightsFromAclW for {@code sid} on {@code path}. */
  synchronized int effectiveRights(Path path, Sid sid) {
    List<Ace> dacl = dacl(path);
    if (dacl.stream().anyMatch(a -> a.type() == Ace.Type.DENY && a.inherited())) {
      throw new IllegalStateException(
          "GetEffectiveRightsFromAclW failed: error " + ERROR_INVALID_ACL);
    }
    int denied = 0;
    int granted = 0;
    for (Ace a : dacl) {
      if (!a.sid().equals(sid)) {
        continue;
      }
      if (a.type() == Ace.Type.DENY) {
        denied |= a.mask();
      } else if (a.type() == Ace.Type.ALLOW) {
        granted |= a.mask() & ~denied;
      }
    }
    return granted & ~denied;
  }

  @Override
  public void apply(AccessGrant g) {
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      if (applyMillis > 0) {
        Thread.sleep(applyMillis);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running.decrementAndGet();
    }
    synchronized (this) {
      calls.add("apply " + g.mode() + " " + g.path().getFileName());
      if (g.mode() == AccessGrant.Mode.LOW_INTEGRITY_LABEL) {
        aclWrites.incrementAndGet();
        return;
      }
      int flags = g.inherit() ? Ace.OBJECT_INHERIT_ACE | Ace.CONTAINER_INHERIT_ACE : 0;
      List<Ace> aces = new ArrayList<>(explicit.getOrDefault(g.path(), List.of()));
      Ace.Type type = g.mode() == AccessGrant.Mode.ALLOW ? Ace.Type.ALLOW : Ace.Type.DENY;
      int mask = g.accessMask();
      if (type == Ace.Type.ALLOW) {
        // GRANT_ACCESS takes the granted rights out of the trustee's explicit denials.
        List<Ace> kept = new ArrayList<>();
        for (Ace a : aces) {
          if (a.type() == Ace.Type.DENY && a.sid().equals(g.trustee())) {
            int left = a.mask() & ~mask;
            if (left != 0) {
              kept.add(new Ace(a.type(), a.sid(), left, a.flags()));
            }
          } else {
            kept.add(a);
          }
        }
        aces = kept;
      }
      boolean merged = false;
      for (int i = 0; i < aces.size(); i++) {
        Ace a = aces.get(i);
        if (a.type() == type && a.sid().equals(g.trustee()) && a.flags() == flags) {
          aces.set(i, new Ace(type, a.sid(), a.mask() | mask, flags));
          merged = true;
        }
      }
      if (!merged) {
        aces.add(new Ace(type, g.trustee(), mask, flags));
      }
      aces.sort(
          (x, y) ->
              Integer.compare(
                  x.type() == Ace.Type.DENY ? 0 : 1, y.type() == Ace.Type.DENY ? 0 : 1));
      explicit.put(g.path(), aces);
      aclWrites.incrementAndGet();
    }
  }

  @Override
  public synchronized void revoke(AccessGrant g) {
    if (g.path().equals(failRevokeOn)) {
      throw new IllegalStateException("access denied");
    }
    calls.add("revoke " + g.mode() + " " + g.path().getFileName());
    if (g.mode() == AccessGrant.Mode.LOW_INTEGRITY_LABEL) {
      aclWrites.incrementAndGet();
      return;
    }
    // REVOKE_ACCESS: the trustee's allow entries go, its deny entries stay.
    List<Ace> aces = new ArrayList<>(explicit.getOrDefault(g.path(), List.of()));
    aces.removeIf(a -> a.type() == Ace.Type.ALLOW && a.sid().equals(g.trustee()));
    explicit.put(g.path(), aces);
    aclWrites.incrementAndGet();
  }

  @Override
  public synchronized void deleteAces(Path path, List<Integer> indices) {
    if (path.equals(failRevokeOn)) {
      throw new IllegalStateException("access denied");
    }
    calls.add("delete-aces " + path.getFileName() + " " + indices);
    List<Ace> aces = new ArrayList<>(dacl(path));
    for (int i : indices) {
      if (aces.get(i).inherited()) {
        throw new IllegalStateException("deleting an inherited ACE at " + i + " of " + path);
      }
      aces.remove(i);
    }
    explicit.put(path, aces.stream().filter(a -> !a.inherited()).toList());
    aclWrites.incrementAndGet();
  }

  @Override
  public void createPlaceholder(Path path, boolean file) throws IOException {
    WindowsWorkspaceSetup.createPlaceholderOnDisk(path, file);
    synchronized (this) {
      explicit.remove(path);
      calls.add("create " + (file ? "file " : "dir ") + path.getFileName());
    }
  }

  @Override
  public void deletePlaceholder(Path path) throws IOException {
    WindowsWorkspaceSetup.deletePlaceholderOnDisk(path);
    calls.add("delete " + path.getFileName());
  }

  @Override
  public void deleteProfile(String name) {
    calls.add("delete-profile " + name);
  }

  /** Every ACE, explicit or inherited, that names {@code sid} anywhere. */
  synchronized List<String> acesFor(Sid sid) {
    List<String> out = new ArrayList<>();
    explicit.forEach(
        (p, aces) -> {
          for (Ace a : aces) {
            if (a.sid().equals(sid)) {
              out.add(p + " " + a);
            }
          }
        });
    return out;
  }

  /** The old check ("in place" from GetEffectiveRightsFromAclW), for the record of the fault. */
  boolean inPlaceByEffectiveRights(AccessGrant g) {
    int rights = effectiveRights(g.path(), g.trustee());
    return g.mode() == AccessGrant.Mode.ALLOW
        ? (rights & g.accessMask()) == g.accessMask()
        : (rights & g.accessMask()) == 0;
  }
}
