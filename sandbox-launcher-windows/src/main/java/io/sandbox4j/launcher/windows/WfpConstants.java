package io.sandbox4j.launcher.windows;

/**
 * WFP identifiers the mingw-w64 headers lack (fwpmu.h there declares no layer or condition GUIDs
 * and fwpmtypes.h no session flags), so they cannot be checked against mingw.
 *
 * <p>Sources checked: the Windows SDK fwpmu.h values as published in tailscale/wf zguids.go
 * (generated from the SDK header) and cross-checked against two independent SDK transcriptions
 * found in public code ("um/fwpmu.h FWPM_CONDITION_ALE_PACKAGE_ID 71bc78fa-...", "DEFINE_GUID(
 * FWPM_CONDITION_IP_REMOTE_PORT, 0xc35a604d, ...)"); FWPM_SESSION_FLAG_DYNAMIC from the
 * FWPM_SESSION0 reference page (learn.microsoft.com, fwpmtypes.h) and windows-sys
 * (FWPM_SESSION_FLAG_DYNAMIC = 1). Layer names follow "Filtering Layer Identifiers"
 * (learn.microsoft.com/windows/win32/fwp/management-filtering-layer-identifiers-).
 */
final class WfpConstants {
  private WfpConstants() {}

  /** FWPM_SESSION_FLAG_DYNAMIC: objects added in the session are deleted when it ends. */
  static final int FWPM_SESSION_FLAG_DYNAMIC = 0x00000001;

  static final String FWPM_LAYER_ALE_AUTH_CONNECT_V4 = "c38d57d1-05a7-4c33-904f-7fbceee60e82";
  static final String FWPM_LAYER_ALE_AUTH_CONNECT_V6 = "4a72393b-319f-44bc-84c3-ba54dcb3b6b4";
  static final String FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V4 = "e1cd9fe7-f4b5-4273-96c0-592e487b8650";
  static final String FWPM_LAYER_ALE_AUTH_RECV_ACCEPT_V6 = "a3b42c97-9f04-4672-b87e-cee9c483257f";

  static final String FWPM_CONDITION_ALE_PACKAGE_ID = "71bc78fa-f17c-4997-a602-6abb261f351c";
  static final String FWPM_CONDITION_IP_REMOTE_ADDRESS = "b235ae9a-1d64-49b8-a44c-5ff3d9095045";
  static final String FWPM_CONDITION_IP_REMOTE_PORT = "c35a604d-d22b-4e1a-91b4-68f674ee674b";

  /** HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS): CreateAppContainerProfile's "profile exists". */
  static final int HRESULT_ALREADY_EXISTS = 0x80070000 | Win32Constants.ERROR_ALREADY_EXISTS;
}
