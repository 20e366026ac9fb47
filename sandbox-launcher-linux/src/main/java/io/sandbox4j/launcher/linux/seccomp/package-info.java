/**
 * The one seccomp layer of the Linux backends: a classic-BPF assembler, the seccomp_data layout and
 * return values, the system call tables of the supported architectures and every program a Linux
 * isolator installs. Pure Java; the native launcher installs the encoded programs.
 */
package io.sandbox4j.launcher.linux.seccomp;
