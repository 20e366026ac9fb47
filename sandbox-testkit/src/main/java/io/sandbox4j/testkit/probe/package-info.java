/**
 * The portable probe the scenarios run inside the sandbox: a single JDK-only class, started with
 * the current JVM's {@code java} binary.
 */
@API(status = INTERNAL, since = "0.1")
package io.sandbox4j.testkit.probe;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
