/**
 * The appcontainer backend: Windows AppContainer isolation for files, network (none) and processes,
 * launched by the shared Windows launcher.
 */
package io.sandbox4j.backend.appcontainer;
