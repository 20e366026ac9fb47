/** The {@code sandbox} command line: run, backends, explain, conformance. */
package io.sandbox4j.cli;
