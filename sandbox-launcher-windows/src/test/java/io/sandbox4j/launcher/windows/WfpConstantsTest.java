package io.sandbox4j.launcher.windows;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.platform.win32.Guid.GUID;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WFP GUIDs mingw lacks parse into the GUID fields the launcher hands to fwpuclnt. */
class WfpConstantsTest {

  @Test
  void everyLayerAndConditionGuidParsesToItsDocumentedFields() {
    List<String> guids = new ArrayList<>();
    for (WfpLayer l : WfpLayer.values()) {
      guids.add(l.guid());
    }
    for (WfpCondition.Field f : WfpCondition.Field.values()) {
      guids.add(f.guid());
    }
    assertThat(guids).doesNotHaveDuplicates().hasSize(7);
    for (String g : guids) {
      GUID parsed = new GUID(GUID.fromString("{" + g + "}"));
      String[] parts = g.split("-");
      assertThat(Integer.toUnsignedString(parsed.Data1, 16))
          .isEqualTo(parts[0].replaceFirst("^0+", ""));
      assertThat(String.format("%04x", parsed.Data2)).isEqualTo(parts[1]);
      assertThat(String.format("%04x", parsed.Data3)).isEqualTo(parts[2]);
      assertThat(parsed.toGuidString().toLowerCase(java.util.Locale.ROOT)).isEqualTo("{" + g + "}");
    }
  }

  @Test
  void sessionFlagAndAlreadyExistsHresult() {
    assertThat(WfpConstants.FWPM_SESSION_FLAG_DYNAMIC).isEqualTo(1);
    assertThat(WfpConstants.HRESULT_ALREADY_EXISTS).isEqualTo(0x800700B7);
  }
}
