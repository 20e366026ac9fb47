/**
 * The wfp backend: per-run Windows Filtering Platform filters keyed by the AppContainer package
 * SID, applied by the shared Windows launcher.
 */
package io.sandbox4j.backend.wfp;
