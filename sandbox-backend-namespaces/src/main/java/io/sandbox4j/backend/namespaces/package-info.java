/**
 * The namespaces backend: Linux user, pid, mount, network, ipc and uts namespaces and resource
 * limits, applied by the native launcher of sandbox-launcher-linux.
 */
package io.sandbox4j.backend.namespaces;
