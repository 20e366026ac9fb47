package io.sandbox4j.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.sandbox4j.api.Feature;
import java.util.EnumSet;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * One adversarial or functional case: a real command run inside the sandbox and judged from
 * outside.
 *
 * @param name camel-case name saying what must hold, e.g. {@code hardLinkOutOfWorkspaceIsRefused}
 * @param category what it is about
 * @param level required or optional
 * @param platform where it runs
 * @param features the features it judges: it runs against a backend only when the backend declares
 *     all of them (functional scenarios judge none and run everywhere)
 * @param exclusive whether it must run alone (it loads the machine: CPU spin, fork storm, memory)
 * @param refusal whether it is a refusal check: it applies when the target does NOT declare its
 *     feature, and checks that the engine then refuses a policy needing it
 * @param description one sentence: the attack or the ordinary work, and how it is judged
 * @param body the scenario itself
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Scenario(
    String name,
    Category category,
    Level level,
    Platform platform,
    Set<Feature> features,
    boolean exclusive,
    boolean refusal,
    String description,
    Body body) {

  /** The work of a scenario; it fails by throwing {@link AssertionError}, skips by aborting. */
  @FunctionalInterface
  public interface Body {
    void run(ScenarioContext context) throws Exception;
  }

  public Scenario {
    if (!name.matches("[a-z][A-Za-z0-9]*")) {
      throw new IllegalArgumentException("scenario name '" + name + "' is not camel case");
    }
    features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
  }

  /** The name a test report shows, carrying level and category: {@code required_filesystem_x}. */
  public String testName() {
    return level.displayName() + "_" + category.displayName() + "_" + name;
  }

  /** Starts a scenario definition. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  @Override
  public String toString() {
    return testName();
  }

  /** Builds a scenario; level required, platform any, no features by default. */
  public static final class Builder {
    private final String name;
    private Category category = Category.FUNCTIONAL;
    private Level level = Level.REQUIRED;
    private Platform platform = Platform.ANY;
    private final Set<Feature> features = EnumSet.noneOf(Feature.class);
    private boolean exclusive;
    private boolean refusal;
    private String description = "";

    private Builder(String name) {
      this.name = name;
    }

    public Builder category(Category c) {
      this.category = c;
      return this;
    }

    public Builder optional() {
      this.level = Level.OPTIONAL;
      return this;
    }

    public Builder level(Level l) {
      this.level = l;
      return this;
    }

    public Builder platform(Platform p) {
      this.platform = p;
      return this;
    }

    public Builder linux() {
      return platform(Platform.LINUX);
    }

    public Builder windows() {
      return platform(Platform.WINDOWS);
    }

    /** The features judged; the category defaults to the first one's aspect. */
    public Builder judges(Feature first, Feature... more) {
      if (features.isEmpty() && category == Category.FUNCTIONAL) {
        category = Category.of(first.aspect());
      }
      features.add(first);
      features.addAll(Set.of(more));
      return this;
    }

    public Builder exclusive() {
      this.exclusive = true;
      return this;
    }

    /** Marks a refusal check (see {@link Scenario#refusal()}). */
    public Builder refusal() {
      this.refusal = true;
      return this;
    }

    public Builder description(String d) {
      this.description = d;
      return this;
    }

    public Scenario body(Body body) {
      return new Scenario(
          name, category, level, platform, features, exclusive, refusal, description, body);
    }
  }
}
