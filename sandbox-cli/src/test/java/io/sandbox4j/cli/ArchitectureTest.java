package io.sandbox4j.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The project's architecture rules, in one place. Classes are assigned to Maven modules by where
 * they were loaded from ({@code sandbox-x/target/classes} or {@code sandbox-x-VERSION.jar}), so the
 * rules hold whatever packages a module uses.
 */
class ArchitectureTest {
  private static final Pattern MODULE =
      Pattern.compile("/(sandbox-[a-z-]+?)(?:/target/classes/|-\\d[^/]*\\.jar)");

  private static JavaClasses ours;

  @BeforeAll
  static void importOurClasses() {
    ours =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sandbox4j");
  }

  static String moduleOf(JavaClass type) {
    JavaClass c = type.isArray() ? type.getBaseComponentType() : type;
    return c.getSource()
        .map(s -> MODULE.matcher(s.getUri().toString()))
        .filter(Matcher::find)
        .map(m -> m.group(1))
        .orElse("?");
  }

  private static DescribedPredicate<JavaClass> inModule(String module) {
    return DescribedPredicate.describe("in module " + module, c -> moduleOf(c).equals(module));
  }

  private static DescribedPredicate<JavaClass> inBackendModule() {
    return DescribedPredicate.describe(
        "in a backend module", c -> moduleOf(c).startsWith("sandbox-backend-"));
  }

  @Test
  void everyClassIsAssignedToAModule() {
    classes()
        .should(
            new ArchCondition<>("come from a known sandbox4j module") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                if (moduleOf(c).equals("?")) {
                  events.add(
                      SimpleConditionEvent.violated(
                          c, c.getName() + " comes from " + c.getSource().map(Object::toString)));
                }
              }
            })
        .check(ours);
  }

  @Test
  void theApiDependsOnNothingOfOursButItself() {
    classes()
        .that(inModule("sandbox-api"))
        .should()
        .onlyDependOnClassesThat(
            DescribedPredicate.describe(
                "are in the JDK, apiguardian or sandbox-api",
                c ->
                    c.getPackageName().startsWith("java.")
                        || c.getPackageName().startsWith("org.apiguardian.")
                        || c.isPrimitive()
                        || c.isArray()
                        || moduleOf(c).equals("sandbox-api")))
        .check(ours);
  }

  @Test
  void backendsNeverDependOnEachOtherOrOnTheCli() {
    classes()
        .that(inBackendModule())
        .should(
            new ArchCondition<>("depend only on their own module, the API, core and launchers") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                String own = moduleOf(c);
                c.getDirectDependenciesFromSelf()
                    .forEach(
                        d -> {
                          String target = moduleOf(d.getTargetClass());
                          boolean ours =
                              d.getTargetClass().getPackageName().startsWith("io.sandbox4j");
                          if (ours
                              && !target.equals(own)
                              && !List.of(
                                      "sandbox-api",
                                      "sandbox-core",
                                      "sandbox-launcher-linux",
                                      "sandbox-launcher-windows")
                                  .contains(target)) {
                            events.add(
                                SimpleConditionEvent.violated(
                                    d, d.getDescription() + " (" + own + " -> " + target + ")"));
                          }
                        });
              }
            })
        .check(ours);
  }

  @Test
  void onlyTheCliKnowsPicocli() {
    noClasses()
        .that(DescribedPredicate.not(inModule("sandbox-cli")))
        .should()
        .dependOnClassesThat()
        .resideInAPackage("picocli..")
        .check(ours);
  }

  /**
   * The testkit's probe is a separate program run inside sandboxes: its output is its interface.
   */
  @Test
  void onlyTheCliWritesToStandardOutputOrError() {
    noClasses()
        .that(DescribedPredicate.not(inModule("sandbox-cli")))
        .and()
        .resideOutsideOfPackage("io.sandbox4j.testkit.probe..")
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .orShould()
        .callMethod(Throwable.class, "printStackTrace")
        .check(ours);
  }

  /** The modules third parties compile against: the API, the engine and the testkit. */
  @Test
  void everyPublicApiTypeCarriesAStabilityAnnotation() {
    classes()
        .that(
            DescribedPredicate.describe(
                "in sandbox-api, sandbox-core or sandbox-testkit",
                c ->
                    List.of("sandbox-api", "sandbox-core", "sandbox-testkit")
                        .contains(moduleOf(c))))
        .and()
        .haveModifier(JavaModifier.PUBLIC)
        .and()
        .areTopLevelClasses()
        .should()
        .beAnnotatedWith(API.class)
        .check(ours);
  }

  @Test
  void theCoreDoesNotKnowAnyBackend() {
    noClasses()
        .that(inModule("sandbox-core"))
        .should()
        .dependOnClassesThat(inBackendModule())
        .check(ours);
  }
}
