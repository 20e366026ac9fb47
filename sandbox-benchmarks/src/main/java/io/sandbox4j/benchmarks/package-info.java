/** JMH benchmarks of sandboxing's per-command cost; see docs/performance.md. */
package io.sandbox4j.benchmarks;
