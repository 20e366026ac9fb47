/*
 * Golden ABI table for every structure and constant sandbox4j maps by hand in JNA.
 *
 * Compiled to assembly (never linked, never run) with x86_64-w64-mingw32-gcc -S against the mingw-w64
 * Windows SDK headers: every sizeof/offsetof/constant is evaluated by the compiler and substituted
 * into an "#ABI" assembler comment line, which regenerate.sh extracts. No Wine, no Windows needed.
 *
 * Row format (tab-separated): "size <struct> <bytes>", "offset <struct> <field> <bytes>",
 * "const <name> <value>". Every value is printed as a signed 32-bit int (DWORD constants such as
 * 0xC0000000 appear negative), which is how Java's int models them. Field names are the Java field names; where the C member is a nameless
 * union or nested in a flattened struct, the row names the C member it measures in a comment.
 */
#define WIN32_LEAN_AND_MEAN
#define _WIN32_WINNT 0x0A00
#include <windows.h>
#include <winnt.h>
#include <aclapi.h>
#include <sddl.h>
#include <userenv.h>
#include <fwpmu.h>
#include <stddef.h>

#define ROW(text, value) __asm__ volatile("#ABI\t" text "\t%c0" : : "i"((int)(value)))
#define SIZE(T) ROW("size\t" #T, sizeof(T))
#define OFF(T, F) ROW("offset\t" #T "\t" #F, offsetof(T, F))
/* A Java field whose name differs from the C member expression it measures. */
#define OFFN(T, NAME, MEMBER) ROW("offset\t" #T "\t" NAME, offsetof(T, MEMBER))
#define K(C) ROW("const\t" #C, (C))

void sandbox4j_abi_table(void) {
  /* STARTUPINFOEXW, flattened: StartupInfo's members then lpAttributeList. */
  SIZE(STARTUPINFOEXW);
  OFFN(STARTUPINFOEXW, "cb", StartupInfo.cb);
  OFFN(STARTUPINFOEXW, "lpReserved", StartupInfo.lpReserved);
  OFFN(STARTUPINFOEXW, "lpDesktop", StartupInfo.lpDesktop);
  OFFN(STARTUPINFOEXW, "lpTitle", StartupInfo.lpTitle);
  OFFN(STARTUPINFOEXW, "dwX", StartupInfo.dwX);
  OFFN(STARTUPINFOEXW, "dwY", StartupInfo.dwY);
  OFFN(STARTUPINFOEXW, "dwXSize", StartupInfo.dwXSize);
  OFFN(STARTUPINFOEXW, "dwYSize", StartupInfo.dwYSize);
  OFFN(STARTUPINFOEXW, "dwXCountChars", StartupInfo.dwXCountChars);
  OFFN(STARTUPINFOEXW, "dwYCountChars", StartupInfo.dwYCountChars);
  OFFN(STARTUPINFOEXW, "dwFillAttribute", StartupInfo.dwFillAttribute);
  OFFN(STARTUPINFOEXW, "dwFlags", StartupInfo.dwFlags);
  OFFN(STARTUPINFOEXW, "wShowWindow", StartupInfo.wShowWindow);
  OFFN(STARTUPINFOEXW, "cbReserved2", StartupInfo.cbReserved2);
  OFFN(STARTUPINFOEXW, "lpReserved2", StartupInfo.lpReserved2);
  OFFN(STARTUPINFOEXW, "hStdInput", StartupInfo.hStdInput);
  OFFN(STARTUPINFOEXW, "hStdOutput", StartupInfo.hStdOutput);
  OFFN(STARTUPINFOEXW, "hStdError", StartupInfo.hStdError);
  OFF(STARTUPINFOEXW, lpAttributeList);

  SIZE(JOBOBJECT_BASIC_LIMIT_INFORMATION);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PerProcessUserTimeLimit);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PerJobUserTimeLimit);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, LimitFlags);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, MinimumWorkingSetSize);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, MaximumWorkingSetSize);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, ActiveProcessLimit);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, Affinity);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, PriorityClass);
  OFF(JOBOBJECT_BASIC_LIMIT_INFORMATION, SchedulingClass);

  SIZE(IO_COUNTERS);
  OFF(IO_COUNTERS, ReadOperationCount);
  OFF(IO_COUNTERS, WriteOperationCount);
  OFF(IO_COUNTERS, OtherOperationCount);
  OFF(IO_COUNTERS, ReadTransferCount);
  OFF(IO_COUNTERS, WriteTransferCount);
  OFF(IO_COUNTERS, OtherTransferCount);

  SIZE(JOBOBJECT_EXTENDED_LIMIT_INFORMATION);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, BasicLimitInformation);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, IoInfo);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, ProcessMemoryLimit);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobMemoryLimit);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, PeakProcessMemoryUsed);
  OFF(JOBOBJECT_EXTENDED_LIMIT_INFORMATION, PeakJobMemoryUsed);


  SIZE(JOBOBJECT_BASIC_UI_RESTRICTIONS);
  OFF(JOBOBJECT_BASIC_UI_RESTRICTIONS, UIRestrictionsClass);

  SIZE(JOBOBJECT_ASSOCIATE_COMPLETION_PORT);
  OFF(JOBOBJECT_ASSOCIATE_COMPLETION_PORT, CompletionKey);
  OFF(JOBOBJECT_ASSOCIATE_COMPLETION_PORT, CompletionPort);

  SIZE(SID_AND_ATTRIBUTES);
  OFF(SID_AND_ATTRIBUTES, Sid);
  OFF(SID_AND_ATTRIBUTES, Attributes);

  SIZE(SECURITY_CAPABILITIES);
  OFF(SECURITY_CAPABILITIES, AppContainerSid);
  OFF(SECURITY_CAPABILITIES, Capabilities);
  OFF(SECURITY_CAPABILITIES, CapabilityCount);
  OFF(SECURITY_CAPABILITIES, Reserved);

  SIZE(TOKEN_MANDATORY_LABEL);
  OFF(TOKEN_MANDATORY_LABEL, Label);

  SIZE(TOKEN_DEFAULT_DACL);
  OFF(TOKEN_DEFAULT_DACL, DefaultDacl);

  SIZE(TRUSTEE_W);
  OFF(TRUSTEE_W, pMultipleTrustee);
  OFF(TRUSTEE_W, MultipleTrusteeOperation);
  OFF(TRUSTEE_W, TrusteeForm);
  OFF(TRUSTEE_W, TrusteeType);
  OFF(TRUSTEE_W, ptstrName);

  SIZE(EXPLICIT_ACCESS_W);
  OFF(EXPLICIT_ACCESS_W, grfAccessPermissions);
  OFF(EXPLICIT_ACCESS_W, grfAccessMode);
  OFF(EXPLICIT_ACCESS_W, grfInheritance);
  OFF(EXPLICIT_ACCESS_W, Trustee);

  SIZE(FWPM_DISPLAY_DATA0);
  OFF(FWPM_DISPLAY_DATA0, name);
  OFF(FWPM_DISPLAY_DATA0, description);

  SIZE(FWP_BYTE_BLOB);
  OFF(FWP_BYTE_BLOB, size);
  OFF(FWP_BYTE_BLOB, data);

  SIZE(FWP_BYTE_ARRAY16);
  OFF(FWP_BYTE_ARRAY16, byteArray16);

  SIZE(FWPM_SESSION0);
  OFF(FWPM_SESSION0, sessionKey);
  OFF(FWPM_SESSION0, displayData);
  OFF(FWPM_SESSION0, flags);
  OFF(FWPM_SESSION0, txnWaitTimeoutInMSec);
  OFF(FWPM_SESSION0, processId);
  OFF(FWPM_SESSION0, sid);
  OFF(FWPM_SESSION0, username);
  OFF(FWPM_SESSION0, kernelMode);

  SIZE(FWPM_SUBLAYER0);
  OFF(FWPM_SUBLAYER0, subLayerKey);
  OFF(FWPM_SUBLAYER0, displayData);
  OFF(FWPM_SUBLAYER0, flags);
  OFF(FWPM_SUBLAYER0, providerKey);
  OFF(FWPM_SUBLAYER0, providerData);
  OFF(FWPM_SUBLAYER0, weight);

  /* The nameless 8-byte union (uint8 ... byteArray6) is one Java field, "value". */
  SIZE(FWP_VALUE0);
  OFF(FWP_VALUE0, type);
  OFFN(FWP_VALUE0, "value", uint8);

  SIZE(FWP_CONDITION_VALUE0);
  OFF(FWP_CONDITION_VALUE0, type);
  OFFN(FWP_CONDITION_VALUE0, "value", uint8);

  SIZE(FWPM_FILTER_CONDITION0);
  OFF(FWPM_FILTER_CONDITION0, fieldKey);
  OFF(FWPM_FILTER_CONDITION0, matchType);
  OFF(FWPM_FILTER_CONDITION0, conditionValue);

  /* The nameless union {filterType; calloutKey} is one GUID field, "filterType". */
  SIZE(FWPM_ACTION0);
  OFF(FWPM_ACTION0, type);
  OFF(FWPM_ACTION0, filterType);

  /* The nameless 16-byte union {rawContext; providerContextKey} is one GUID field. */
  SIZE(FWPM_FILTER0);
  OFF(FWPM_FILTER0, filterKey);
  OFF(FWPM_FILTER0, displayData);
  OFF(FWPM_FILTER0, flags);
  OFF(FWPM_FILTER0, providerKey);
  OFF(FWPM_FILTER0, providerData);
  OFF(FWPM_FILTER0, layerKey);
  OFF(FWPM_FILTER0, subLayerKey);
  OFF(FWPM_FILTER0, weight);
  OFF(FWPM_FILTER0, numFilterConditions);
  OFF(FWPM_FILTER0, filterCondition);
  OFF(FWPM_FILTER0, action);
  OFF(FWPM_FILTER0, providerContextKey);
  OFF(FWPM_FILTER0, reserved);
  OFF(FWPM_FILTER0, filterId);
  OFF(FWPM_FILTER0, effectiveWeight);

  /* Constants the Java side (Win32Constants) declares; checked by AbiLayoutTest. */
  K(EXTENDED_STARTUPINFO_PRESENT);
  K(CREATE_SUSPENDED);
  K(CREATE_UNICODE_ENVIRONMENT);
  K(CREATE_NO_WINDOW);
  K(CREATE_NEW_PROCESS_GROUP);
  K(STARTF_USESTDHANDLES);
  K(HANDLE_FLAG_INHERIT);
  K(PROC_THREAD_ATTRIBUTE_HANDLE_LIST);
  K(PROC_THREAD_ATTRIBUTE_SECURITY_CAPABILITIES);
  K(PROC_THREAD_ATTRIBUTE_JOB_LIST);
  K(PROC_THREAD_ATTRIBUTE_ALL_APPLICATION_PACKAGES_POLICY);
  K(PROCESS_CREATION_ALL_APPLICATION_PACKAGES_OPT_OUT);
  K(JOB_OBJECT_LIMIT_WORKINGSET);
  K(JOB_OBJECT_LIMIT_PROCESS_TIME);
  K(JOB_OBJECT_LIMIT_JOB_TIME);
  K(JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
  K(JOB_OBJECT_LIMIT_PROCESS_MEMORY);
  K(JOB_OBJECT_LIMIT_JOB_MEMORY);
  K(JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION);
  K(JOB_OBJECT_LIMIT_BREAKAWAY_OK);
  K(JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK);
  K(JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE);
  K(JOB_OBJECT_UILIMIT_HANDLES);
  K(JOB_OBJECT_UILIMIT_READCLIPBOARD);
  K(JOB_OBJECT_UILIMIT_WRITECLIPBOARD);
  K(JOB_OBJECT_UILIMIT_SYSTEMPARAMETERS);
  K(JOB_OBJECT_UILIMIT_DISPLAYSETTINGS);
  K(JOB_OBJECT_UILIMIT_GLOBALATOMS);
  K(JOB_OBJECT_UILIMIT_DESKTOP);
  K(JOB_OBJECT_UILIMIT_EXITWINDOWS);
  K(JOB_OBJECT_UILIMIT_ALL);
  K(JOB_OBJECT_MSG_END_OF_JOB_TIME);
  K(JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT);
  K(JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO);
  K(JOB_OBJECT_MSG_JOB_MEMORY_LIMIT);
  K(JobObjectBasicUIRestrictions);
  K(JobObjectAssociateCompletionPortInformation);
  K(JobObjectExtendedLimitInformation);
  K(DISABLE_MAX_PRIVILEGE);
  K(SANDBOX_INERT);
  K(LUA_TOKEN);
  K(WRITE_RESTRICTED);
  K(SE_GROUP_ENABLED);
  K(SE_GROUP_USE_FOR_DENY_ONLY);
  K(SE_GROUP_INTEGRITY);
  K(SE_GROUP_LOGON_ID);
  K(TokenGroups);
  K(TokenDefaultDacl);
  K(TokenRestrictedSids);
  K(TokenIntegrityLevel);
  K(TokenIsAppContainer);
  K(TokenCapabilities);
  K(TokenAppContainerSid);
  K(TOKEN_DUPLICATE);
  K(TOKEN_QUERY);
  K(TOKEN_ASSIGN_PRIMARY);
  K(TOKEN_ADJUST_DEFAULT);
  K(TOKEN_ADJUST_SESSIONID);
  K(GRANT_ACCESS);
  K(REVOKE_ACCESS);
  K(SET_ACCESS);
  K(DENY_ACCESS);
  K(NO_INHERITANCE);
  K(SUB_CONTAINERS_AND_OBJECTS_INHERIT);
  K(TRUSTEE_IS_SID);
  K(TRUSTEE_IS_UNKNOWN);
  K(NO_MULTIPLE_TRUSTEE);
  K(SE_FILE_OBJECT);
  K(DACL_SECURITY_INFORMATION);
  K(LABEL_SECURITY_INFORMATION);
  K(PROTECTED_DACL_SECURITY_INFORMATION);
  K(SDDL_REVISION_1);
  K(FILE_GENERIC_READ);
  K(FILE_GENERIC_WRITE);
  K(FILE_GENERIC_EXECUTE);
  K(FILE_DELETE_CHILD);
  K(FILE_WRITE_DATA);
  K(FILE_APPEND_DATA);
  K(FILE_WRITE_EA);
  K(FILE_WRITE_ATTRIBUTES);
  K(DELETE);
  K(WRITE_DAC);
  K(WRITE_OWNER);
  K(SECURITY_MANDATORY_LOW_RID);
  K(WinCapabilityInternetClientSid);
  K(WinCapabilityInternetClientServerSid);
  K(WinCapabilityPrivateNetworkClientServerSid);
  K(WinLowLabelSid);
  K(WINSTA_ALL_ACCESS);
  K(DESKTOP_CREATEWINDOW);
  K(DESKTOP_READOBJECTS);
  K(DESKTOP_WRITEOBJECTS);
  K(DESKTOP_SWITCHDESKTOP);
  K(UOI_NAME);
  K(GENERIC_ALL);
  K(GENERIC_READ);
  K(GENERIC_WRITE);
  K(GENERIC_EXECUTE);
  K(FILE_ALL_ACCESS);
  K(OBJECT_INHERIT_ACE);
  K(CONTAINER_INHERIT_ACE);
  K(INHERIT_ONLY_ACE);
  K(INHERITED_ACE);
  K(ERROR_ACCESS_DENIED);
  K(WAIT_OBJECT_0);
  K(WAIT_TIMEOUT);
  K(STILL_ACTIVE);
  K(ERROR_INSUFFICIENT_BUFFER);
  K(ERROR_ALREADY_EXISTS);
  K(RPC_C_AUTHN_WINNT);
  K(FWP_ACTION_BLOCK);
  K(FWP_ACTION_PERMIT);
  K(FWP_EMPTY);
  K(FWP_UINT8);
  K(FWP_UINT16);
  K(FWP_UINT32);
  K(FWP_UINT64);
  K(FWP_BYTE_ARRAY16_TYPE);
  K(FWP_SID);
  K(FWP_MATCH_EQUAL);
}
