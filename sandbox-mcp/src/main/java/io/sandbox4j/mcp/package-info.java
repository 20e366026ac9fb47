/**
 * A Model Context Protocol server whose tools run commands in a {@link io.sandbox4j.core.Sandbox}
 * under a session policy that each call may only narrow. Start it with {@link
 * io.sandbox4j.mcp.SandboxMcpServer}; the CLI serves it as {@code sandbox mcp}.
 */
package io.sandbox4j.mcp;
