/**
 * The engine: backend discovery and Guice wiring, isolator selection with fail-closed coverage
 * checks, policy files, and the library entry point {@link io.sandbox4j.core.Sandbox}.
 */
@API(status = STABLE, since = "0.1")
package io.sandbox4j.core;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
