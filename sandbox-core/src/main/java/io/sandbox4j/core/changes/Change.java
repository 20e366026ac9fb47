package io.sandbox4j.core.changes;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * One change of a change set, relative to the workspace.
 *
 * @param path the path relative to the workspace, with '/' separators
 * @param kind added, changed or deleted
 * @param type what the entry is (in the layer; for a deletion, in the real tree)
 * @param size bytes of a file's new content (for a deletion, of the real file); 0 otherwise
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Change(String path, Kind kind, Type type, long size) {
  /** What happened to the path. */
  public enum Kind {
    ADDED,
    CHANGED,
    DELETED
  }

  /** What the entry is. */
  public enum Type {
    FILE,
    DIRECTORY,
    SYMLINK,
    /** A FIFO, socket or device node: never applied. */
    OTHER
  }

  /** A one-letter status and the path, as in {@code git status --short}: {@code A x}. */
  @Override
  public String toString() {
    return kind.name().charAt(0) + " " + path + (type == Type.DIRECTORY ? "/" : "");
  }
}
