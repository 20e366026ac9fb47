/**
 * The seccomp backend: classic BPF programs assembled in Java ({@code SeccompPrograms}) that the
 * native launcher installs as the last step before exec.
 */
package io.sandbox4j.backend.seccomp;
