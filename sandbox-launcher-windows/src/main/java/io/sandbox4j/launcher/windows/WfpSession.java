package io.sandbox4j.launcher.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Guid.GUID;
import com.sun.jna.platform.win32.WinNT.HANDLE;
import com.sun.jna.platform.win32.WinNT.HANDLEByReference;
import com.sun.jna.ptr.LongByReference;
import io.sandbox4j.api.SandboxException;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_FILTER_CONDITION0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SESSION0;
import io.sandbox4j.launcher.windows.Win32Structures.FWPM_SUBLAYER0;
import java.net.Inet4Address;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A dynamic WFP session for one run (FwpmEngineOpen0 with FWPM_SESSION_FLAG_DYNAMIC): closing it
 * deletes every sublayer and filter added in it, so the session belongs to the run and is closed by
 * {@code run} when the command ends (or by Windows when this process dies).
 */
final class WfpSession {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Win32Libraries.Fwpuclnt fwp;
  private final HANDLE engine;

  private WfpSession(Win32Libraries.Fwpuclnt fwp, HANDLE engine) {
    this.fwp = fwp;
    this.engine = engine;
  }

  /** Opens the run's dynamic session; {@code run} closes it. */
  static WfpSession open(Win32Libraries.Fwpuclnt fwp, Releases run) {
    HANDLEByReference ref = new HANDLEByReference();
    int rc = openDynamic(fwp, ref);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmEngineOpen0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
    }
    HANDLE engine = ref.getValue();
    // Closing a dynamic session deletes every sublayer and filter added in it.
    run.add(() -> fwp.FwpmEngineClose0(engine));
    return new WfpSession(fwp, engine);
  }

  /**
   * Opens a dynamic session, whose sublayers and filters are deleted when it closes: 0 with the
   * engine handle in {@code engine}, or the error code.
   */
  static int openDynamic(Win32Libraries.Fwpuclnt fwp, HANDLEByReference engine) {
    FWPM_SESSION0 session = new FWPM_SESSION0();
    session.flags = WfpConstants.FWPM_SESSION_FLAG_DYNAMIC;
    return fwp.FwpmEngineOpen0(null, Win32Constants.RPC_C_AUTHN_WINNT, null, session, engine);
  }

  /**
   * Adds a sublayer of its own and {@code filters} in one transaction, aborted unless every filter
   * was added. {@code containerSid} is the package SID the filters' PACKAGE_ID conditions match.
   */
  void addFilters(List<WfpFilter> filters, Pointer containerSid) {
    int rc = fwp.FwpmTransactionBegin0(engine, 0);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmTransactionBegin0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
    }
    boolean committed = false;
    try {
      FWPM_SUBLAYER0 sub = new FWPM_SUBLAYER0();
      sub.subLayerKey = randomGuid();
      Memory subName = NativeAcls.wide("sandbox4j run");
      sub.displayData.name = subName;
      sub.weight = (short) 0x8000;
      rc = fwp.FwpmSubLayerAdd0(engine, sub, null);
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "FwpmSubLayerAdd0 failed: error 0x" + Integer.toHexString(rc) + WfpErrors.hint(rc));
      }
      Memory filterName = NativeAcls.wide("sandbox4j run filter");
      for (WfpFilter f : filters) {
        addFilter(sub.subLayerKey, filterName, f, containerSid);
      }
      rc = fwp.FwpmTransactionCommit0(engine);
      if (rc != 0) {
        throw SandboxException.cannotSandbox(
            "FwpmTransactionCommit0 failed: error 0x" + Integer.toHexString(rc));
      }
      committed = true;
    } finally {
      if (!committed) {
        fwp.FwpmTransactionAbort0(engine);
      }
    }
  }

  private void addFilter(GUID subLayer, Memory name, WfpFilter f, Pointer containerSid) {
    List<Memory> keepAlive = new ArrayList<>(); // IPv6 addresses, until FwpmFilterAdd0 returns
    Memory conditions = conditions(f.conditions(), containerSid, keepAlive);
    FWPM_FILTER0 filter = filter(f, subLayer, name, conditions);
    LongByReference id = new LongByReference();
    int rc = fwp.FwpmFilterAdd0(engine, filter, null, id);
    if (rc != 0) {
      throw SandboxException.cannotSandbox(
          "FwpmFilterAdd0("
              + f.layer()
              + " "
              + f.action()
              + " "
              + f.conditions()
              + ") failed: error 0x"
              + Integer.toHexString(rc)
              + WfpErrors.hint(rc));
    }
    keepAlive.clear();
  }

  /**
   * The FWPM_FILTER_CONDITION0 array for {@code conditions}, every one FWP_MATCH_EQUAL; memory a
   * value points to (an IPv6 address) is added to {@code keepAlive}.
   */
  static Memory conditions(
      List<WfpCondition> conditions, Pointer containerSid, List<Memory> keepAlive) {
    int n = conditions.size();
    int size = new FWPM_FILTER_CONDITION0().size();
    Memory array = new Memory((long) size * n);
    array.clear();
    for (int i = 0; i < n; i++) {
      WfpCondition c = conditions.get(i);
      FWPM_FILTER_CONDITION0 fc = new FWPM_FILTER_CONDITION0(array.share((long) i * size));
      fc.fieldKey = guid(c.field().guid());
      fc.matchType = Win32Constants.FWP_MATCH_EQUAL;
      switch (c.field()) {
        case PACKAGE_ID -> {
          fc.conditionValue.type = Win32Constants.FWP_SID;
          fc.conditionValue.value = Pointer.nativeValue(containerSid);
        }
        case REMOTE_ADDRESS -> {
          byte[] a = c.address().getAddress();
          if (c.address() instanceof Inet4Address) {
            fc.conditionValue.type = Win32Constants.FWP_UINT32;
            fc.conditionValue.value = ipv4HostOrder(a);
          } else {
            Memory arr = new Memory(16);
            arr.write(0, a, 0, 16);
            keepAlive.add(arr);
            fc.conditionValue.type = Win32Constants.FWP_BYTE_ARRAY16_TYPE;
            fc.conditionValue.value = Pointer.nativeValue(arr);
          }
        }
        case REMOTE_PORT -> {
          fc.conditionValue.type = Win32Constants.FWP_UINT16;
          fc.conditionValue.value = c.port();
        }
      }
      fc.write();
    }
    return array;
  }

  /** FWP_UINT32 takes an IPv4 address in host order: 10.0.0.1 is 0x0A000001. */
  static long ipv4HostOrder(byte[] a) {
    return ((a[0] & 0xFFL) << 24) | ((a[1] & 0xFFL) << 16) | ((a[2] & 0xFFL) << 8) | (a[3] & 0xFFL);
  }

  /** The FWPM_FILTER0 for {@code f} in {@code subLayer}, over the condition array. */
  static FWPM_FILTER0 filter(WfpFilter f, GUID subLayer, Memory name, Memory conditions) {
    FWPM_FILTER0 filter = new FWPM_FILTER0();
    filter.displayData.name = name;
    filter.layerKey = guid(f.layer().guid());
    filter.subLayerKey = subLayer;
    filter.weight.type = Win32Constants.FWP_UINT8;
    filter.weight.value = f.weight();
    filter.numFilterConditions = f.conditions().size();
    filter.filterCondition = conditions;
    filter.action.type = f.action().code();
    return filter;
  }

  private static GUID guid(String dashed) {
    return new GUID(GUID.fromString("{" + dashed + "}"));
  }

  /** A random (version 4) GUID: the run's sublayer key, unique to this session. */
  static GUID randomGuid() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    b[6] = (byte) ((b[6] & 0x0F) | 0x40);
    b[8] = (byte) ((b[8] & 0x3F) | 0x80);
    return new GUID(b);
  }
}
