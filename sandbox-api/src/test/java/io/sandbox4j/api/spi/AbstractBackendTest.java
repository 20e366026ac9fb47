package io.sandbox4j.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sandbox4j.api.Aspect;
import io.sandbox4j.api.Feature;
import io.sandbox4j.api.SandboxPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AbstractBackendTest {

  private static final class Idle extends AbstractIsolator {
    Idle(String id) {
      super(id, Aspect.PROCESS, Set.of(Feature.PROC_ENV_SCRUB));
    }

    @Override
    public Availability probe() {
      return Availability.available("");
    }

    @Override
    public void contribute(SandboxPolicy policy, Set<Feature> owned, LaunchSpec spec) {}
  }

  private static final class Named extends AbstractBackend {
    Named(String id, List<Isolator> isolators) {
      super(id, "what it uses", 42, isolators);
    }
  }

  @Test
  void holdsWhatItsConstructorNamesAndKeepsItsOwnCopyOfTheIsolators() {
    Idle a = new Idle("a");
    List<Isolator> given = new ArrayList<>(List.of(a));
    SandboxBackend b = new Named("mine", given);
    given.add(new Idle("b"));

    assertThat(b.id()).isEqualTo("mine");
    assertThat(b.description()).isEqualTo("what it uses");
    assertThat(b.priority()).isEqualTo(42);
    assertThat(b.isolators()).containsExactly(a);
    assertThatThrownBy(() -> b.isolators().add(new Idle("c")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void refusesAMissingIdOrIsolator() {
    assertThatThrownBy(() -> new Named(null, List.of(new Idle("a"))))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("id");
    List<Isolator> withNull = new ArrayList<>();
    withNull.add(null);
    assertThatThrownBy(() -> new Named("mine", withNull)).isInstanceOf(NullPointerException.class);
  }
}
