package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every hand-mapped JNA structure has the size and field offsets the mingw-w64 Windows SDK headers
 * give for x64, and every constant the value they give (golden table from src/test/abi). JNA lays
 * structures out on Linux x86-64 with the same natural alignment as on Windows x64 for these types
 * (pointers and SIZE_T 8 bytes, DWORD int 4), so the comparison runs on any x86-64 build machine.
 */
class AbiLayoutTest {
  private static AbiGolden golden;

  @BeforeAll
  static void load() throws Exception {
    golden = AbiGolden.load();
  }

  static Map<String, Class<?>> structures() {
    Map<String, Class<?>> m = new LinkedHashMap<>();
    for (Class<?> c : Win32Structures.class.getDeclaredClasses()) {
      if (Structure.class.isAssignableFrom(c)
          && !Modifier.isAbstract(c.getModifiers())
          && c.getSimpleName().equals(c.getSimpleName().toUpperCase(java.util.Locale.ROOT))) {
        m.put(c.getSimpleName(), c);
      }
    }
    return m;
  }

  @Test
  void everyMappedStructureIsInTheGoldenTableAndViceVersa() {
    assertThat(new TreeSet<>(structures().keySet()))
        .isEqualTo(new TreeSet<>(golden.sizes.keySet()));
  }

  @TestFactory
  Stream<DynamicTest> sizesAndOffsetsMatchTheWindowsSdk() {
    List<DynamicTest> tests = new ArrayList<>();
    structures()
        .forEach(
            (name, type) ->
                tests.add(
                    DynamicTest.dynamicTest(
                        name,
                        () -> {
                          Win32Structures.AbiStructure s =
                              (Win32Structures.AbiStructure)
                                  type.getDeclaredConstructor().newInstance();
                          assertThat(s.size()).as(name + " size").isEqualTo(golden.sizes.get(name));
                          Map<String, Integer> expected = golden.offsets.get(name);
                          List<String> fields = fieldOrder(s);
                          assertThat(fields)
                              .as(name + " fields")
                              .containsExactlyElementsOf(expected.keySet());
                          for (String f : fields) {
                            assertThat(s.offsetOf(f))
                                .as(name + "." + f + " offset")
                                .isEqualTo(expected.get(f));
                          }
                        })));
    return tests.stream();
  }

  @SuppressWarnings("unchecked")
  private static List<String> fieldOrder(Structure s) throws Exception {
    var m = Structure.class.getDeclaredMethod("getFieldOrder");
    m.setAccessible(true);
    return (List<String>) m.invoke(s);
  }

  @Test
  void everyConstantHasTheSdkValue() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Field f : Win32Constants.class.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      f.setAccessible(true);
      assertThat(golden.constants)
          .as("Win32Constants.%s must be in the golden table (add it to layouts.c)", f.getName())
          .containsKey(f.getName());
      assertThat(f.getInt(null)).as(f.getName()).isEqualTo(golden.constants.get(f.getName()));
      checked.add(f.getName());
    }
    assertThat(checked).hasSize(golden.constants.size());
  }

  @Test
  void knownLayoutsFromTheFieldNotes() {
    // Anchors that would catch a golden table regenerated from the wrong headers or architecture.
    assertThat(golden.sizes)
        .containsEntry("STARTUPINFOEXW", 112)
        .containsEntry("JOBOBJECT_EXTENDED_LIMIT_INFORMATION", 144)
        .containsEntry("FWPM_FILTER0", 200)
        .containsEntry("FWPM_SESSION0", 72)
        .containsEntry("FWPM_FILTER_CONDITION0", 40)
        .containsEntry("FWPM_ACTION0", 20);
    assertThat(golden.offsets.get("STARTUPINFOEXW")).containsEntry("lpAttributeList", 104);
    assertThat(golden.offsets.get("FWPM_FILTER0")).containsEntry("filterId", 176);
    assertThat(golden.constants)
        .containsEntry("PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES", 0x20009)
        .containsEntry("JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE", 0x2000);
  }
}
