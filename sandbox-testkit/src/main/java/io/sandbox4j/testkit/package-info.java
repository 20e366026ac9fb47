/**
 * The conformance testkit: one adversarial scenario catalogue that every backend and every
 * combination of backends must pass.
 *
 * <p>Extend {@link io.sandbox4j.testkit.BackendConformanceTest} in a JUnit 5 test to run the
 * catalogue against a backend, or use {@link io.sandbox4j.testkit.ConformanceRunner} to run it
 * without JUnit and get a {@link io.sandbox4j.testkit.ConformanceReport} (the matrix).
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
