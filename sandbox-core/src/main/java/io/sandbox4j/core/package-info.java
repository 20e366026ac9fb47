/**
 * The engine: backend discovery and Guice wiring, isolator selection with fail-closed coverage
 * checks, and the library entry point {@link io.sandbox4j.core.Sandbox}.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
