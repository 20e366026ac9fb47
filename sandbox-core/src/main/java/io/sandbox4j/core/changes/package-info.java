/**
 * Change sets of ephemeral runs (issue 14): the copy-on-write layer a run with an ephemeral
 * workspace wrote, read back as a list of changes, a unified diff, and applied to the real
 * workspace or discarded.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.core.changes;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
