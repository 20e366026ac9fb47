/**
 * The sandbox policy model: what a sandboxed command may read, write, reach and consume.
 *
 * <p>{@link io.sandbox4j.api.SandboxPolicy} is immutable and secure by default. {@link
 * io.sandbox4j.api.Feature} names each restriction a policy can ask for; isolators declare which
 * features they enforce and the engine refuses to run a policy whose features are not all covered.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
