/**
 * The post-run git sweep: after every run with writable roots, it leaves every git directory,
 * gitdir pointer and hooks directory in those roots in a state where host git runs nothing the
 * command planted ({@link io.sandbox4j.core.git.GitSweep}). Internal to the engine.
 */
@API(status = INTERNAL, since = "0.1")
package io.sandbox4j.core.git;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
