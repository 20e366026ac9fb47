package io.sandbox4j.launcher.windows;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;
import com.sun.jna.platform.win32.BaseTSD.SIZE_T;
import com.sun.jna.platform.win32.BaseTSD.ULONG_PTR;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * Every Win32 structure this module maps by hand. Each nested class is named exactly like its C
 * typedef so that {@code AbiLayoutTest} can compare its size and every field offset with the golden
 * table generated from the mingw-w64 headers (src/test/abi). DWORD/LONG/UINT32 are {@code int},
 * UINT64/LARGE_INTEGER {@code long}, SIZE_T/ULONG_PTR the BaseTSD types: never NativeLong, which is
 * 8 bytes on Linux and 4 on Windows.
 */
final class Win32Structures {
  private Win32Structures() {}

  /** Base class exposing field offsets to the ABI test. */
  abstract static class AbiStructure extends Structure {
    AbiStructure() {
      super();
    }

    AbiStructure(Pointer p) {
      super(p);
    }

    int offsetOf(String field) {
      return fieldOffset(field);
    }
  }

  /** STARTUPINFOEXW with its STARTUPINFOW member flattened (cb = 112 selects the extended form). */
  @FieldOrder({
    "cb",
    "lpReserved",
    "lpDesktop",
    "lpTitle",
    "dwX",
    "dwY",
    "dwXSize",
    "dwYSize",
    "dwXCountChars",
    "dwYCountChars",
    "dwFillAttribute",
    "dwFlags",
    "wShowWindow",
    "cbReserved2",
    "lpReserved2",
    "hStdInput",
    "hStdOutput",
    "hStdError",
    "lpAttributeList"
  })
  public static class STARTUPINFOEXW extends AbiStructure {
    public int cb;
    public Pointer lpReserved;
    public Pointer lpDesktop;
    public Pointer lpTitle;
    public int dwX;
    public int dwY;
    public int dwXSize;
    public int dwYSize;
    public int dwXCountChars;
    public int dwYCountChars;
    public int dwFillAttribute;
    public int dwFlags;
    public short wShowWindow;
    public short cbReserved2;
    public Pointer lpReserved2;
    public HANDLE hStdInput;
    public HANDLE hStdOutput;
    public HANDLE hStdError;
    public Pointer lpAttributeList;

    public STARTUPINFOEXW() {
      cb = size();
    }
  }

  @FieldOrder({
    "PerProcessUserTimeLimit",
    "PerJobUserTimeLimit",
    "LimitFlags",
    "MinimumWorkingSetSize",
    "MaximumWorkingSetSize",
    "ActiveProcessLimit",
    "Affinity",
    "PriorityClass",
    "SchedulingClass"
  })
  public static class JOBOBJECT_BASIC_LIMIT_INFORMATION extends AbiStructure {
    public long PerProcessUserTimeLimit;
    public long PerJobUserTimeLimit;
    public int LimitFlags;
    public SIZE_T MinimumWorkingSetSize = new SIZE_T();
    public SIZE_T MaximumWorkingSetSize = new SIZE_T();
    public int ActiveProcessLimit;
    public ULONG_PTR Affinity = new ULONG_PTR();
    public int PriorityClass;
    public int SchedulingClass;
  }

  @FieldOrder({
    "ReadOperationCount",
    "WriteOperationCount",
    "OtherOperationCount",
    "ReadTransferCount",
    "WriteTransferCount",
    "OtherTransferCount"
  })
  public static class IO_COUNTERS extends AbiStructure {
    public long ReadOperationCount;
    public long WriteOperationCount;
    public long OtherOperationCount;
    public long ReadTransferCount;
    public long WriteTransferCount;
    public long OtherTransferCount;
  }

  @FieldOrder({
    "BasicLimitInformation",
    "IoInfo",
    "ProcessMemoryLimit",
    "JobMemoryLimit",
    "PeakProcessMemoryUsed",
    "PeakJobMemoryUsed"
  })
  public static class JOBOBJECT_EXTENDED_LIMIT_INFORMATION extends AbiStructure {
    public JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation =
        new JOBOBJECT_BASIC_LIMIT_INFORMATION();
    public IO_COUNTERS IoInfo = new IO_COUNTERS();
    public SIZE_T ProcessMemoryLimit = new SIZE_T();
    public SIZE_T JobMemoryLimit = new SIZE_T();
    public SIZE_T PeakProcessMemoryUsed = new SIZE_T();
    public SIZE_T PeakJobMemoryUsed = new SIZE_T();
  }

  @FieldOrder({"UIRestrictionsClass"})
  public static class JOBOBJECT_BASIC_UI_RESTRICTIONS extends AbiStructure {
    public int UIRestrictionsClass;
  }

  @FieldOrder({"CompletionKey", "CompletionPort"})
  public static class JOBOBJECT_ASSOCIATE_COMPLETION_PORT extends AbiStructure {
    public Pointer CompletionKey;
    public HANDLE CompletionPort;
  }

  @FieldOrder({"Sid", "Attributes"})
  public static class SID_AND_ATTRIBUTES extends AbiStructure {
    public Pointer Sid;
    public int Attributes;

    public SID_AND_ATTRIBUTES() {
      super();
    }

    public SID_AND_ATTRIBUTES(Pointer p) {
      super(p);
    }
  }

  @FieldOrder({"AppContainerSid", "Capabilities", "CapabilityCount", "Reserved"})
  public static class SECURITY_CAPABILITIES extends AbiStructure {
    public Pointer AppContainerSid;
    public Pointer Capabilities;
    public int CapabilityCount;
    public int Reserved;
  }

  @FieldOrder({"Label"})
  public static class TOKEN_MANDATORY_LABEL extends AbiStructure {
    public SID_AND_ATTRIBUTES Label = new SID_AND_ATTRIBUTES();
  }

  @FieldOrder({"DefaultDacl"})
  public static class TOKEN_DEFAULT_DACL extends AbiStructure {
    public Pointer DefaultDacl;
  }

  @FieldOrder({
    "pMultipleTrustee",
    "MultipleTrusteeOperation",
    "TrusteeForm",
    "TrusteeType",
    "ptstrName"
  })
  public static class TRUSTEE_W extends AbiStructure {
    public Pointer pMultipleTrustee;
    public int MultipleTrusteeOperation;
    public int TrusteeForm;
    public int TrusteeType;
    public Pointer ptstrName;
  }

  @FieldOrder({"grfAccessPermissions", "grfAccessMode", "grfInheritance", "Trustee"})
  public static class EXPLICIT_ACCESS_W extends AbiStructure {
    public int grfAccessPermissions;
    public int grfAccessMode;
    public int grfInheritance;
    public TRUSTEE_W Trustee = new TRUSTEE_W();

    public EXPLICIT_ACCESS_W() {
      super();
    }

    public EXPLICIT_ACCESS_W(Pointer p) {
      super(p);
    }
  }

  @FieldOrder({"name", "description"})
  public static class FWPM_DISPLAY_DATA0 extends AbiStructure {
    public Pointer name;
    public Pointer description;
  }

  @FieldOrder({"size", "data"})
  public static class FWP_BYTE_BLOB extends AbiStructure {
    public int size;
    public Pointer data;
  }

  @FieldOrder({"byteArray16"})
  public static class FWP_BYTE_ARRAY16 extends AbiStructure {
    public byte[] byteArray16 = new byte[16];
  }

  @FieldOrder({
    "sessionKey",
    "displayData",
    "flags",
    "txnWaitTimeoutInMSec",
    "processId",
    "sid",
    "username",
    "kernelMode"
  })
  public static class FWPM_SESSION0 extends AbiStructure {
    public GUID sessionKey = new GUID();
    public FWPM_DISPLAY_DATA0 displayData = new FWPM_DISPLAY_DATA0();
    public int flags;
    public int txnWaitTimeoutInMSec;
    public int processId;
    public Pointer sid;
    public Pointer username;
    public int kernelMode;
  }

  @FieldOrder({"subLayerKey", "displayData", "flags", "providerKey", "providerData", "weight"})
  public static class FWPM_SUBLAYER0 extends AbiStructure {
    public GUID subLayerKey = new GUID();
    public FWPM_DISPLAY_DATA0 displayData = new FWPM_DISPLAY_DATA0();
    public int flags;
    public Pointer providerKey;
    public FWP_BYTE_BLOB providerData = new FWP_BYTE_BLOB();
    public short weight;
  }

  /**
   * FWP_VALUE0: the 8-byte nameless union (uint8 ... byteArray6) is one field; small integers are
   * stored in its low bytes (little-endian), pointers as the address.
   */
  @FieldOrder({"type", "value"})
  public static class FWP_VALUE0 extends AbiStructure {
    public int type;
    public long value;
  }

  /** Same layout as FWP_VALUE0 (its union adds only pointer members). */
  @FieldOrder({"type", "value"})
  public static class FWP_CONDITION_VALUE0 extends AbiStructure {
    public int type;
    public long value;
  }

  @FieldOrder({"fieldKey", "matchType", "conditionValue"})
  public static class FWPM_FILTER_CONDITION0 extends AbiStructure {
    public GUID fieldKey = new GUID();
    public int matchType;
    public FWP_CONDITION_VALUE0 conditionValue = new FWP_CONDITION_VALUE0();

    public FWPM_FILTER_CONDITION0() {
      super();
    }

    public FWPM_FILTER_CONDITION0(Pointer p) {
      super(p);
    }
  }

  /** The nameless union {filterType; calloutKey} is the one GUID field filterType. */
  @FieldOrder({"type", "filterType"})
  public static class FWPM_ACTION0 extends AbiStructure {
    public int type;
    public GUID filterType = new GUID();
  }

  /** The nameless union of FWPM_FILTER0: 16 bytes, 8-byte aligned because of rawContext. */
  public static class FilterContext extends com.sun.jna.Union {
    public long rawContext;
    public GUID providerContextKey;
  }

  /**
   * The 16-byte nameless union {rawContext; providerContextKey} is one GUID field: modelling it as
   * two fields would give 208 bytes instead of 200.
   */
  @FieldOrder({
    "filterKey",
    "displayData",
    "flags",
    "providerKey",
    "providerData",
    "layerKey",
    "subLayerKey",
    "weight",
    "numFilterConditions",
    "filterCondition",
    "action",
    "providerContextKey",
    "reserved",
    "filterId",
    "effectiveWeight"
  })
  public static class FWPM_FILTER0 extends AbiStructure {
    public GUID filterKey = new GUID();
    public FWPM_DISPLAY_DATA0 displayData = new FWPM_DISPLAY_DATA0();
    public int flags;
    public Pointer providerKey;
    public FWP_BYTE_BLOB providerData = new FWP_BYTE_BLOB();
    public GUID layerKey = new GUID();
    public GUID subLayerKey = new GUID();
    public FWP_VALUE0 weight = new FWP_VALUE0();
    public int numFilterConditions;
    public Pointer filterCondition;
    public FWPM_ACTION0 action = new FWPM_ACTION0();
    public FilterContext providerContextKey = new FilterContext();
    public Pointer reserved;
    public long filterId;
    public FWP_VALUE0 effectiveWeight = new FWP_VALUE0();
  }
}
