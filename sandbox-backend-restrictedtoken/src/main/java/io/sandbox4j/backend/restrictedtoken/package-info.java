/**
 * The restrictedtoken backend: a restricted, low-integrity token in a job object, launched by the
 * shared Windows launcher.
 */
package io.sandbox4j.backend.restrictedtoken;
