package io.sandbox4j.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AvailabilityTest {

  @Test
  void allOfIsTheFirstUnavailablePartSoTheFirstFixIsNamed() {
    Availability a =
        Availability.allOf(
            Availability.available("kernel ok"),
            Availability.unavailable("install libc6-dev"),
            Availability.unavailable("enable user namespaces"));
    assertThat(a.available()).isFalse();
    assertThat(a.detail()).isEqualTo("install libc6-dev");
  }

  @Test
  void allOfAvailableJoinsTheNonEmptyDetails() {
    Availability a =
        Availability.allOf(
            Availability.available("Landlock ABI 7"),
            Availability.available(""),
            Availability.available("seccomp"));
    assertThat(a.available()).isTrue();
    assertThat(a.detail()).isEqualTo("Landlock ABI 7; seccomp");
    assertThat(Availability.allOf().available()).isTrue();
  }

  @Test
  void anUnavailableOneMustSayWhy() {
    assertThatThrownBy(() -> Availability.unavailable(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
