package dev.edgeproxy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure of docs/architecture.md, checked on the compiled classes: no cycle between packages,
 * and the layers only look down.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.edgeproxy");
    }

    @Test
    void noImportCycleBetweenPackages() {
        slices().matching("dev.edgeproxy.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theFoundationDependsOnNoOtherPackage() {
        noClasses().that().resideInAnyPackage("..edgeproxy.config..", "..edgeproxy.error..", "..edgeproxy.logging..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "..edgeproxy.http..", "..edgeproxy.cel..", "..edgeproxy.jwt..", "..edgeproxy.authz..",
                        "..edgeproxy.transform..", "..edgeproxy.ratelimit..", "..edgeproxy.proxy..",
                        "..edgeproxy.route..", "..edgeproxy.compile..", "..edgeproxy.pipeline..",
                        "..edgeproxy.explain..", "..edgeproxy.server..", "..edgeproxy.reload..",
                        "..edgeproxy.health..", "..edgeproxy.metrics..", "..edgeproxy.accesslog..",
                        "..edgeproxy.demo..", "..edgeproxy.trace..")
                .check(classes);
    }

    @Test
    void policiesKnowNothingOfHowRequestsArriveOrHowTablesAreBuilt() {
        noClasses().that().resideInAnyPackage("..edgeproxy.http..", "..edgeproxy.cel..", "..edgeproxy.jwt..",
                        "..edgeproxy.authz..", "..edgeproxy.transform..", "..edgeproxy.ratelimit..",
                        "..edgeproxy.proxy..", "..edgeproxy.route..")
                .should().dependOnClassesThat().resideInAnyPackage("..edgeproxy.compile..", "..edgeproxy.pipeline..",
                        "..edgeproxy.explain..", "..edgeproxy.server..", "..edgeproxy.reload..", "..edgeproxy.trace..")
                .check(classes);
    }

    /** The request path reads the table it is handed; only the CDI wiring around it knows who holds it. */
    @Test
    void theRequestPathDoesNotCompile() {
        noClasses().that().resideInAPackage("..edgeproxy.pipeline..")
                .or().haveSimpleName("Explainer")
                .should().dependOnClassesThat().resideInAnyPackage("..edgeproxy.compile..", "..edgeproxy.reload..",
                        "..edgeproxy.server..")
                .check(classes);
    }
}
