/**
 * The Linux launch plan that Linux isolators contribute to, and the native launcher that applies it
 * between fork and exec.
 */
package io.sandbox4j.launcher.linux;
