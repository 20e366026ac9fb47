package io.sandbox4j.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (set by the build), or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = SandboxCommand.class.getPackage().getImplementationVersion();
    return new String[] {
      "sandbox4j " + (v == null ? "development" : v),
      "Java "
          + System.getProperty("java.version")
          + " on "
          + System.getProperty("os.name")
          + " "
          + System.getProperty("os.arch")
    };
  }
}
