/** A {@link io.sandbox4j.core.Sandbox} as a LangChain4j tool: {@link SandboxTool}. */
package io.sandbox4j.langchain4j;
