/**
 * Policy settings as a user writes them, in a policy file (TOML, YAML, JSON) or in command-line
 * flags, turned into an {@link io.sandbox4j.api.SandboxPolicy}. Front ends (the CLI, an MCP server,
 * library users who want files) share it; the engine works on {@code SandboxPolicy} only.
 */
@API(status = EXPERIMENTAL, since = "0.1")
package io.sandbox4j.config;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
