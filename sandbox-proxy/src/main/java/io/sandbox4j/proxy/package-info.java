/**
 * The filtering network proxy a sandboxed command is forced through, and its rules.
 *
 * <p>{@link io.sandbox4j.proxy.NetworkRules} parses allow- and deny-list entries and decides a
 * destination, naming the entry that decided; {@link io.sandbox4j.proxy.NetworkProxy} serves HTTP
 * CONNECT, plain HTTP forwarding and SOCKS5 on a unix socket (and optionally a loopback port),
 * resolves names itself, connects only to addresses it checked, and records a {@link
 * io.sandbox4j.proxy.NetworkEvent} for every destination tried.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.proxy;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
