/**
 * The Landlock backend: filesystem rules computed in Java from the policy ({@code LandlockPlanner})
 * and applied by the native launcher, plus signal scoping for process isolation.
 */
package io.sandbox4j.backend.landlock;
