package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.spi.BackendProvider;
import io.sandbox4j.core.Sandbox;
import java.util.List;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * What the catalogue runs against: one backend alone, a combination of backends, or the automatic
 * combination of every installed backend.
 *
 * <p>A backend alone, or an explicit combination, is judged "for its aspects": every scenario whose
 * features it declares runs, with every other feature the scenario's policy needs explicitly
 * waived; for every feature it does not declare, the suite checks that the engine refuses a policy
 * needing it. The automatic combination is judged strictly: nothing is waived, so a host whose
 * backends cannot enforce a scenario's whole policy reports that scenario as not run, with the
 * engine's reason.
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class BackendUnderTest {
  private final String label;
  private final List<String> backendIds;
  private final Supplier<Sandbox> sandbox;

  private BackendUnderTest(String label, List<String> backendIds, Supplier<Sandbox> sandbox) {
    this.label = label;
    this.backendIds = List.copyOf(backendIds);
    this.sandbox = sandbox;
  }

  /** One backend found on the class path through {@link java.util.ServiceLoader}, alone. */
  public static BackendUnderTest discovered(String backendId) {
    return new BackendUnderTest(backendId, List.of(backendId), Sandbox::create);
  }

  /**
   * Several discovered backends together (for their aspects); an empty list means {@link
   * #automatic()}.
   */
  public static BackendUnderTest combination(List<String> backendIds) {
    if (backendIds.isEmpty()) {
      return automatic();
    }
    return new BackendUnderTest(String.join("+", backendIds), backendIds, Sandbox::create);
  }

  /** The automatic combination of every discovered backend, judged strictly (nothing waived). */
  public static BackendUnderTest automatic() {
    return new BackendUnderTest("automatic", List.of(), Sandbox::create);
  }

  /**
   * Backends from explicit providers, not from the class path: how a backend's own build tests it
   * before it is packaged, and how the testkit tests itself with fakes. {@code backendIds} empty
   * means the automatic combination of them.
   */
  public static BackendUnderTest of(
      String label, List<? extends BackendProvider> providers, List<String> backendIds) {
    List<BackendProvider> copy = List.copyOf(providers);
    return new BackendUnderTest(label, backendIds, () -> Sandbox.create(copy));
  }

  /** The same backends under another label in reports. */
  public BackendUnderTest named(String newLabel) {
    return new BackendUnderTest(newLabel, backendIds, sandbox);
  }

  /** The name of this column in the matrix. */
  public String label() {
    return label;
  }

  /** The chosen backend ids; empty for the automatic combination. */
  public List<String> backendIds() {
    return backendIds;
  }

  /** Whether this is the automatic combination, judged strictly. */
  public boolean automaticCombination() {
    return backendIds.isEmpty();
  }

  /** A new sandbox with these backends installed. */
  public Sandbox createSandbox() {
    return sandbox.get();
  }

  @Override
  public String toString() {
    return label;
  }
}
