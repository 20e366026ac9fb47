package io.sandbox4j.launcher.windows;

/** Hints for the WFP errors a user can act on. */
final class WfpErrors {
  private WfpErrors() {}

  static String hint(int rc) {
    if (rc == Win32Constants.ERROR_ACCESS_DENIED) {
      return " (adding WFP filters needs administrator rights: run elevated, or use network mode"
          + " 'none', which the appcontainer backend enforces without WFP)";
    }
    return "";
  }
}
