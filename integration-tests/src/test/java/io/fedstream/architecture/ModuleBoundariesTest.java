package io.fedstream.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.codeUnits;
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
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes of every module (main
 * code only): the SDK's internals stay internal, each programming-model layer stands on the SDK's
 * public packages alone, and module dependencies point downward.
 */
class ModuleBoundariesTest {

  private static final String[] LAYERS = {"io.fedstream.federation..", "io.fedstream.connection..",
      "io.fedstream.roles..", "io.fedstream.projects..", "io.fedstream.proxy.."};

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.fedstream");
  }

  @Test
  void nothingOutsideTheSdkUsesItsInternals() {
    noClasses().that().resideOutsideOfPackage("io.fedstream.node..")
        .should().dependOnClassesThat().resideInAPackage("io.fedstream.node.internal..")
        .because("code outside node-sdk uses only io.fedstream.node and io.fedstream.node.spi")
        .check(classes);
  }

  @Test
  void aLayerStandsOnTheSdksPublicPackagesAlone() {
    for (String layer : LAYERS) {
      classes().that().resideInAPackage(layer)
          .should().onlyDependOnClassesThat(ownOrAllowed(layer))
          .because("a layer imports io.fedstream.node and io.fedstream.node.spi only (and the platform's root"
              + " exception, FedStreamException, which NodeException extends, and the registry of error codes,"
              + " ErrorRegistry, its codes come from), never another layer")
          .allowEmptyShould(true)
          .check(classes);
    }
  }

  private static DescribedPredicate<JavaClass> ownOrAllowed(String layer) {
    String own = layer.substring(0, layer.length() - 2);
    return DescribedPredicate.describe("in " + own + ", io.fedstream.node, io.fedstream.node.spi, FedStreamException,"
            + " ErrorRegistry or outside io.fedstream",
        c -> !c.getPackageName().startsWith("io.fedstream")
            || c.getPackageName().equals(own) || c.getPackageName().startsWith(own + ".")
            || c.getPackageName().equals("io.fedstream.node") || c.getPackageName().equals("io.fedstream.node.spi")
            || c.getName().equals("io.fedstream.schemas.FedStreamException")
            || c.getName().equals("io.fedstream.schemas.ErrorRegistry")
            || c.getName().equals("io.fedstream.schemas.ErrorRegistry$Scope")
            // The routing server's site side speaks the topic contract's control records on the
            // site's own topics (commands, inbox, status, logs), which the SDK has no API for; it
            // uses the contract's public packages (generated records, topic names, wire format)
            // inside the layer only, never in its public signatures (docs/projects.md).
            || (own.equals("io.fedstream.projects") && (c.getPackageName().equals("io.fedstream.avro")
                || c.getPackageName().equals("io.fedstream.schemas")
                || c.getPackageName().equals("io.fedstream.schemas.wire"))));
  }

  @Test
  void moduleDependenciesPointDown() {
    String[] aboveTheSdk = {"io.fedstream.router..", "io.fedstream.launcher..", "io.fedstream.bench..",
        "io.fedstream.examples..", "io.fedstream.testkit..", "io.fedstream.security..", "io.fedstream.federation..",
        "io.fedstream.connection..", "io.fedstream.roles..", "io.fedstream.projects..", "io.fedstream.proxy.."};
    noClasses().that().resideInAPackage("io.fedstream.node..")
        .should().dependOnClassesThat().resideInAnyPackage(aboveTheSdk)
        .check(classes);
    noClasses().that().resideInAnyPackage("io.fedstream.schemas..", "io.fedstream.avro..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fedstream.node..", "io.fedstream.router..")
        .check(classes);
    noClasses().that().resideInAPackage("io.fedstream.protocol..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fedstream.node..", "io.fedstream.router..")
        .because("the protocol module sits below the SDK and the router").check(classes);
    noClasses().that().resideInAPackage("io.fedstream.router..")
        .should().dependOnClassesThat().resideInAnyPackage("io.fedstream.node..", "io.fedstream.launcher..",
            "io.fedstream.examples..")
        .check(classes);
    for (String layer : LAYERS) {
      noClasses().that().resideInAnyPackage(LAYERS).and().resideOutsideOfPackage(layer)
          .should().dependOnClassesThat().resideInAPackage(layer)
          .because("layers never use each other").check(classes);
    }
  }

  @Test
  void noInternalOrGeneratedTypeInTheSdksPublicSignatures() {
    codeUnits().that().areDeclaredInClassesThat().resideInAnyPackage("io.fedstream.node", "io.fedstream.node.spi")
        .and().areDeclaredInClassesThat().arePublic().and().arePublic()
        .should(notMention("io.fedstream.node.internal", "io.fedstream.avro"))
        .check(classes);
  }

  private static ArchCondition<JavaCodeUnit> notMention(String... packages) {
    return new ArchCondition<>("not take or return types of " + String.join(", ", packages)) {
      @Override
      public void check(JavaCodeUnit m, ConditionEvents events) {
        if (!m.getModifiers().contains(JavaModifier.PUBLIC)) {
          return;
        }
        for (JavaClass t : m.getAllInvolvedRawTypes()) {
          for (String p : packages) {
            if (t.getPackageName().startsWith(p)) {
              events.add(SimpleConditionEvent.violated(m, m.getFullName() + " uses " + t.getName()));
            }
          }
        }
      }
    };
  }
}
