package io.sandbox4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlatformTest {

  @Test
  void osNamesMapToTheirPlatform() {
    assertThat(Platform.of("Linux")).isEqualTo(Platform.LINUX);
    assertThat(Platform.of("Windows 11")).isEqualTo(Platform.WINDOWS);
    assertThat(Platform.of("Mac OS X")).isEqualTo(Platform.MACOS);
    assertThat(Platform.of("Darwin")).isEqualTo(Platform.MACOS);
    assertThat(Platform.of("FreeBSD")).isEqualTo(Platform.ANY);
  }

  @Test
  void posixScenariosRunOnLinuxAndMacOsButNotWindows() {
    assertThat(Platform.POSIX.runsOn(Platform.LINUX)).isTrue();
    assertThat(Platform.POSIX.runsOn(Platform.MACOS)).isTrue();
    assertThat(Platform.POSIX.runsOn(Platform.WINDOWS)).isFalse();
  }

  @Test
  void namedPlatformsRunOnlyOnThemselvesAndAnyRunsEverywhere() {
    assertThat(Platform.LINUX.runsOn(Platform.MACOS)).isFalse();
    assertThat(Platform.MACOS.runsOn(Platform.LINUX)).isFalse();
    assertThat(Platform.WINDOWS.runsOn(Platform.WINDOWS)).isTrue();
    for (Platform host : Platform.values()) {
      assertThat(Platform.ANY.runsOn(host)).isTrue();
    }
  }

  @Test
  void skipMessagesNameThePlatformForPeople() {
    assertThat("requires " + Platform.POSIX.humanName()).isEqualTo("requires Linux or macOS");
    assertThat(Platform.MACOS.displayName()).isEqualTo("macos");
  }
}
