/**
 * The service-provider interface backends implement.
 *
 * <p>A backend ({@link io.sandbox4j.api.spi.SandboxBackend}) contributes isolators ({@link
 * io.sandbox4j.api.spi.Isolator}), each declaring the {@link io.sandbox4j.api.Feature features} it
 * enforces and probing whether it works on this host. Selected isolators contribute to one {@link
 * io.sandbox4j.api.spi.LaunchSpec}; a {@link io.sandbox4j.api.spi.Launcher} that understands every
 * contribution starts the command.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.api.spi;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
