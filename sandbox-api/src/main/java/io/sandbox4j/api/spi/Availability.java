package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Whether an isolator or launcher works on this host, and if not, why, in one sentence a user can
 * act on (for example "requires Linux 5.13 or later with Landlock enabled (lsm=landlock)").
 *
 * @param available whether it works here
 * @param detail for an available one, what it enforces here or notes (may be empty); for an
 *     unavailable one, the reason and the fix
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Availability(boolean available, String detail) {

  public Availability {
    detail = detail == null ? "" : detail;
    if (!available && detail.isBlank()) {
      throw new IllegalArgumentException("an unavailable isolator must say why");
    }
  }

  public static Availability available(String detail) {
    return new Availability(true, detail);
  }

  public static Availability unavailable(String reason) {
    return new Availability(false, reason);
  }

  /**
   * Available when every part is: then with the parts' non-empty details joined by "; ". Otherwise
   * the first unavailable part, so the reason a user reads is the first thing to fix.
   */
  public static Availability allOf(Availability... parts) {
    List<String> details = new ArrayList<>();
    for (Availability a : parts) {
      if (!a.available()) {
        return a;
      }
      if (!a.detail().isEmpty()) {
        details.add(a.detail());
      }
    }
    return available(String.join("; ", details));
  }
}
