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
      Pattern.compile("/(sandbox-[a-z0-9-]+?)(?:/target/classes/|-\\d[^/]*\\.jar)");

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

  /** The launcher module a backend may use: its platform's. */
  static String launcherModuleFor(String backendModule) {
    return switch (backendModule) {
      case "sandbox-backend-landlock", "sandbox-backend-seccomp", "sandbox-backend-namespaces" ->
          "sandbox-launcher-linux";
      case "sandbox-backend-appcontainer",
          "sandbox-backend-restrictedtoken",
          "sandbox-backend-wfp" ->
          "sandbox-launcher-windows";
      default ->
          throw new AssertionError(
              "a new backend module needs its platform here: " + backendModule);
    };
  }

  @Test
  void backendsDependOnlyOnTheApiTheirLauncherModuleAndTheJdk() {
    classes()
        .that(inBackendModule())
        .should(
            new ArchCondition<>(
                "depend only on their own module, the API, their platform's launcher"
                    + " module, sandbox-proxy, the JDK, JNA and apiguardian") {
              @Override
              public void check(JavaClass c, ConditionEvents events) {
                String own = moduleOf(c);
                List<String> allowed =
                    List.of(own, "sandbox-api", launcherModuleFor(own), "sandbox-proxy");
                c.getDirectDependenciesFromSelf()
                    .forEach(
                        d -> {
                          JavaClass t = d.getTargetClass();
                          String pkg = t.getBaseComponentType().getPackageName();
                          boolean ok =
                              t.isPrimitive()
                                  || t.getBaseComponentType().isPrimitive()
                                  || pkg.startsWith("java.")
                                  || pkg.startsWith("com.sun.jna")
                                  || pkg.startsWith("org.apiguardian.")
                                  || (pkg.startsWith("io.sandbox4j")
                                      && allowed.contains(moduleOf(t)));
                          if (!ok) {
                            events.add(
                                SimpleConditionEvent.violated(
                                    d,
                                    d.getDescription()
                                        + " ("
                                        + own
                                        + " -> "
                                        + (pkg.startsWith("io.sandbox4j") ? moduleOf(t) : pkg)
                                        + ")"));
                          }
                        });
              }
            })
        .check(ours);
  }

  @Test
  void launcherModulesDependOnlyOnTheApiAndTheJdk() {
    classes()
        .that(
            DescribedPredicate.describe(
                "in a launcher module", c -> moduleOf(c).startsWith("sandbox-launcher-")))
        .should()
        .onlyDependOnClassesThat(
            DescribedPredicate.describe(
                "are in the JDK, JNA, apiguardian, sandbox-api or the same launcher module",
                c -> {
                  JavaClass b = c.getBaseComponentType();
                  String pkg = b.getPackageName();
                  return b.isPrimitive()
                      || pkg.startsWith("java.")
                      || pkg.startsWith("com.sun.jna")
                      || pkg.startsWith("org.apiguardian.")
                      || moduleOf(b).equals("sandbox-api")
                      || moduleOf(b).startsWith("sandbox-launcher-");
                }))
        .check(ours);
  }

  @Test
  void nothingButTheCoreUsesGuiceOrJakartaInject() {
    noClasses()
        .that(DescribedPredicate.not(inModule("sandbox-core")))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("com.google.inject..", "jakarta.inject..", "javax.inject..")
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

  /**
   * The modules third parties compile against: the API, the policy settings, the engine, the
   * launcher modules a backend builds on, and the testkit.
   */
  @Test
  void everyPublicApiTypeCarriesAStabilityAnnotation() {
    classes()
        .that(
            DescribedPredicate.describe(
                "in sandbox-api, sandbox-config, sandbox-core, a launcher module,"
                    + " sandbox-proxy, sandbox-testkit or an integration (MCP, LangChain4j)",
                c ->
                    List.of(
                            "sandbox-api",
                            "sandbox-config",
                            "sandbox-core",
                            "sandbox-launcher-linux",
                            "sandbox-launcher-windows",
                            "sandbox-proxy",
                            "sandbox-testkit",
                            "sandbox-mcp",
                            "sandbox-langchain4j")
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

  /** Policy files are a front-end concern: the engine works on {@code SandboxPolicy} only. */
  @Test
  void theCoreKnowsNoPolicyFileFormat() {
    noClasses()
        .that(inModule("sandbox-core"))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("tools.jackson..", "com.fasterxml..", "io.sandbox4j.config..")
        .check(ours);
  }

  /**
   * The proxy runs in the engine's JVM for every backend that needs it: it depends on the API and
   * the JDK only (no Netty, no engine).
   */
  @Test
  void theProxyDependsOnTheApiAndTheJdkAlone() {
    classes()
        .that(inModule("sandbox-proxy"))
        .should()
        .onlyDependOnClassesThat(
            DescribedPredicate.describe(
                "are in the JDK, apiguardian, sandbox-api or sandbox-proxy",
                c -> {
                  JavaClass b = c.getBaseComponentType();
                  return b.isPrimitive()
                      || b.getPackageName().startsWith("java.")
                      || b.getPackageName().startsWith("org.apiguardian.")
                      || List.of("sandbox-api", "sandbox-proxy").contains(moduleOf(b));
                }))
        .check(ours);
  }

  /**
   * The settings module serves every front end and library users: no engine, no Guice; the proxy's
   * rule parser is the one place that checks a network entry.
   */
  @Test
  void theSettingsModuleDependsOnTheApiAndTheRuleParserAlone() {
    noClasses()
        .that(inModule("sandbox-config"))
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "are in another sandbox4j module than sandbox-api or sandbox-proxy",
                c ->
                    c.getBaseComponentType().getPackageName().startsWith("io.sandbox4j")
                        && !List.of("sandbox-api", "sandbox-config", "sandbox-proxy")
                            .contains(moduleOf(c.getBaseComponentType()))))
        .check(ours);
  }

  /**
   * The integrations (the MCP server, the LangChain4j tool) build on the engine alone: no backend,
   * no CLI, no policy-file reader; a policy reaches them as a {@code SandboxPolicy}, whichever
   * front end assembled it.
   */
  @Test
  void theIntegrationsDependOnTheEngineAndTheApiAlone() {
    noClasses()
        .that(inModule("sandbox-mcp").or(inModule("sandbox-langchain4j")))
        .should()
        .dependOnClassesThat(
            DescribedPredicate.describe(
                "are in another sandbox4j module than sandbox-api, sandbox-core or sandbox-proxy",
                c ->
                    c.getBaseComponentType().getPackageName().startsWith("io.sandbox4j")
                        && !List.of(
                                "sandbox-api",
                                "sandbox-core",
                                "sandbox-proxy",
                                moduleOf(c.getBaseComponentType()).equals("sandbox-mcp")
                                    ? "sandbox-mcp"
                                    : "sandbox-langchain4j")
                            .contains(moduleOf(c.getBaseComponentType()))))
        .check(ours);
  }

  /** Each integration is usable without the other. */
  @Test
  void theIntegrationsDoNotKnowEachOther() {
    noClasses()
        .that(inModule("sandbox-mcp"))
        .should()
        .dependOnClassesThat(inModule("sandbox-langchain4j"))
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("dev.langchain4j..")
        .check(ours);
    noClasses()
        .that(inModule("sandbox-langchain4j"))
        .should()
        .dependOnClassesThat(inModule("sandbox-mcp"))
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("io.modelcontextprotocol..")
        .check(ours);
  }
}
