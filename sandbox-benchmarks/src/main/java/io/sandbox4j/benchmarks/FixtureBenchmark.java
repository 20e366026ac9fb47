package io.sandbox4j.benchmarks;

import org.openjdk.jmh.annotations.TearDown;

/**
 * What every benchmark here shares: one {@link Fixture} per trial, made by the subclass's
 * {@code @Setup} and closed after the trial.
 */
public abstract class FixtureBenchmark {
  Fixture fixture;

  @TearDown
  public void tearDown() throws Exception {
    fixture.close();
  }
}
