package io.sandbox4j.launcher.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Attack 13: other mounts that show a private home (or a denied path) again. */
@EnabledOnOs(value = OS.LINUX, disabledReason = "Linux mount tables with Linux absolute paths")
class MountAliasesTest {
  static final String TABLE =
      String.join(
          "\n",
          "20 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
          "21 20 0:5 / /proc rw - proc proc rw",
          "30 20 254:0 /home /mnt/home\\040copy rw,relatime shared:1 - ext4 /dev/vda rw",
          "31 20 254:0 /home/u/.secretstore /srv/sec rw - ext4 /dev/vda rw",
          "32 20 254:0 /home/v /srv/v rw - ext4 /dev/vda rw",
          "40 20 8:16 / /data rw - ext4 /dev/sdb rw",
          "41 20 8:16 /homes/w /home/w rw - ext4 /dev/sdb rw",
          "42 41 8:32 / /home/w/disk rw - ext4 /dev/sdc rw",
          "43 20 8:32 /photos /media/photos rw - ext4 /dev/sdc rw");

  @Test
  void aBindMountOfTheParentAndOneOfAChildAreAliases() {
    assertThat(MountAliases.parse(TABLE).of(Path.of("/home/u")))
        .containsExactly(Path.of("/mnt/home copy/u"), Path.of("/srv/sec"));
  }

  @Test
  void aBindMountedHomeIsFoundOnItsDiskAndItsSubmountsToo() {
    assertThat(MountAliases.parse(TABLE).of(Path.of("/home/w")))
        .containsExactly(Path.of("/data/homes/w"), Path.of("/media/photos"));
  }

  @Test
  void aPathOnlyItsOwnMountShowsHasNone() {
    assertThat(MountAliases.parse(TABLE).of(Path.of("/proc/1"))).isEmpty();
    assertThat(MountAliases.parse(TABLE).of(Path.of("/home/w/disk/x"))).isEmpty();
  }

  @Test
  void aFileBeneathAnAliasedDirectoryHasItsAliases() {
    assertThat(MountAliases.parse(TABLE).of(Path.of("/home/u/.ssh/id_ed25519")))
        .containsExactly(Path.of("/mnt/home copy/u/.ssh/id_ed25519"));
  }
}
