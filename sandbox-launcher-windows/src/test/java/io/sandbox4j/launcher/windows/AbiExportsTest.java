package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Library;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every hand-mapped function is exported by the DLL its interface names, per the export list of the
 * matching mingw-w64 import library (src/test/resources/abi/exports, from regenerate.sh). None is
 * resolved at run time by another name.
 */
class AbiExportsTest {

  @Test
  void everyMappedFunctionIsExportedByItsDll() throws Exception {
    List<Class<?>> libs = new ArrayList<>();
    for (Class<?> c : Win32Libraries.class.getDeclaredClasses()) {
      if (c.isInterface() && Library.class.isAssignableFrom(c)) {
        libs.add(c);
      }
    }
    assertThat(libs).hasSize(5);
    int checked = 0;
    for (Class<?> lib : libs) {
      String dll = (String) lib.getField("DLL").get(null);
      Set<String> exports = AbiGolden.exports(dll);
      assertThat(exports).as(dll + " export list").hasSizeGreaterThan(10);
      for (Method m : lib.getDeclaredMethods()) {
        assertThat(exports)
            .as("%s.%s must be exported by lib%s.a", lib.getSimpleName(), m.getName(), dll)
            .contains(m.getName());
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(25);
  }

  @Test
  void theExportListsCanFailTheCheck() throws Exception {
    // DeriveCapabilitySidsFromName is in no mingw import library (see the field notes): the check
    // would reject a mapping of it, which is why this module does not map it.
    assertThat(AbiGolden.exports("advapi32")).doesNotContain("DeriveCapabilitySidsFromName");
    assertThat(AbiGolden.exports("kernel32")).doesNotContain("CreateRestrictedToken");
  }
}
