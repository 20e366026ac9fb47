/**
 * The Windows launcher shared by the appcontainer, restrictedtoken and wfp backends.
 *
 * <p>Two seams: {@link io.sandbox4j.launcher.windows.WindowsPlanner} turns a policy into Win32
 * parameters (SIDs, ACEs, job limits, WFP filters) in plain Java, unit-tested on any OS; {@link
 * io.sandbox4j.launcher.windows.WindowsLauncher} applies a {@link
 * io.sandbox4j.launcher.windows.WindowsLaunchPlan} through JNA with one CreateProcess(AsUser)W.
 * {@link io.sandbox4j.launcher.windows.WindowsWorkspaceSetup} does, records and reverts the
 * one-time per-workspace setup.
 */
package io.sandbox4j.launcher.windows;
