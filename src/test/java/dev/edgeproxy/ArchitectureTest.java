package dev.edgeproxy;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure of docs/architecture.md, checked on the compiled classes: no cycle between packages,
 * and the layers only look down; and no use of a library's internals beyond the guarded ones.
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
                        "..edgeproxy.transform..", "..edgeproxy.ratelimit..", "..edgeproxy.ipaccess..",
                        "..edgeproxy.proxy..", "..edgeproxy.route..", "..edgeproxy.compile..", "..edgeproxy.pipeline..",
                        "..edgeproxy.explain..", "..edgeproxy.server..", "..edgeproxy.reload..",
                        "..edgeproxy.health..", "..edgeproxy.metrics..", "..edgeproxy.accesslog..",
                        "..edgeproxy.demo..", "..edgeproxy.trace..", "..edgeproxy.listener..", "..edgeproxy.crypto..")
                .check(classes);
    }

    @Test
    void policiesKnowNothingOfHowRequestsArriveOrHowTablesAreBuilt() {
        noClasses().that().resideInAnyPackage("..edgeproxy.http..", "..edgeproxy.cel..", "..edgeproxy.jwt..",
                        "..edgeproxy.authz..", "..edgeproxy.transform..", "..edgeproxy.ratelimit..",
                        "..edgeproxy.ipaccess..", "..edgeproxy.proxy..", "..edgeproxy.route..")
                .should().dependOnClassesThat().resideInAnyPackage("..edgeproxy.compile..", "..edgeproxy.pipeline..",
                        "..edgeproxy.explain..", "..edgeproxy.server..", "..edgeproxy.reload..", "..edgeproxy.trace..",
                        "..edgeproxy.listener..")
                .check(classes);
    }

    /**
     * A route holds its policies by phase ({@code RoutePolicies}), not by name: adding a policy adds a package,
     * never a field to {@code Route}, so {@code route} knows none of them.
     */
    @Test
    void theRouteKnowsNoPolicy() {
        noClasses().that().resideInAPackage("..edgeproxy.route..")
                .should().dependOnClassesThat().resideInAnyPackage("..edgeproxy.jwt..", "..edgeproxy.authz..",
                        "..edgeproxy.transform..", "..edgeproxy.ratelimit..", "..edgeproxy.ipaccess..")
                .check(classes);
    }

    /** Key sets are fetched and parsed without knowing what verifies with them. */
    @Test
    void keySetsKnowNothingOfTokens() {
        noClasses().that().resideInAPackage("..edgeproxy.jwt.jwks..")
                .should().dependOnClassesThat().resideInAPackage("dev.edgeproxy.jwt")
                .check(classes);
    }

    /** {@code server} is the composition root: it wires the others together, and nothing depends on it. */
    @Test
    void nothingDependsOnTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("..edgeproxy.server..")
                .should().dependOnClassesThat().resideInAPackage("..edgeproxy.server..")
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

    /**
     * The gateway's uses of library internals (a package named {@code impl} or {@code internal}, as Vert.x's and
     * Netty's are), each guarded by {@link VertxInternalsTest}: a class (with its nested classes) and the internal
     * classes it may use. A new use fails here: prefer a public API; if there is none, guard it in
     * VertxInternalsTest and add it here.
     */
    private static final Map<String, Set<String>> GUARDED_INTERNAL_USES = Map.of(
            "dev.edgeproxy.error.ErrorResponder", Set.of("io.vertx.core.net.impl.ConnectionBase"),
            "dev.edgeproxy.proxy.WebSocketTunnel", Set.of("io.vertx.core.net.impl.ConnectionBase"),
            "dev.edgeproxy.listener.HeadDeadline", Set.of("io.vertx.core.net.impl.ConnectionBase",
                    "io.vertx.core.impl.VertxInternal", "io.vertx.core.net.impl.ServerID",
                    "io.vertx.core.net.impl.TCPServerBase"),
            "dev.edgeproxy.config.ListenerCertificates", Set.of("io.vertx.core.net.impl.KeyStoreHelper"),
            "dev.edgeproxy.server.EpollTransport", Set.of("io.vertx.core.impl.transports.EpollTransport"),
            "dev.edgeproxy.datapath.NettyProxyServer", Set.of("io.vertx.core.http.impl.headers.HeadersMultiMap"));

    /** The allow-list shrinks with the uses: an entry no longer used is removed (with its guard test). */
    @Test
    void everyGuardedInternalUseIsStillMade() {
        GUARDED_INTERNAL_USES.forEach((user, internals) -> {
            Set<String> used = new java.util.HashSet<>();
            for (JavaClass origin : classes) {
                if (origin.getName().replaceFirst("\\$.*", "").equals(user)) {
                    origin.getDirectDependenciesFromSelf().forEach(d -> used.add(d.getTargetClass().getName()));
                }
            }
            for (String internal : internals) {
                if (!used.contains(internal)) {
                    throw new AssertionError(user + " no longer uses " + internal + ": remove it from "
                            + "GUARDED_INTERNAL_USES and its guard from VertxInternalsTest");
                }
            }
        });
    }

    @Test
    void libraryInternalsAreUsedOnlyWhereGuarded() {
        classes().that().resideInAPackage("dev.edgeproxy..")
                .should(new ArchCondition<JavaClass>("use no library internals (..impl.., ..internal..) but the "
                        + "guarded ones of VertxInternalsTest") {
                    @Override
                    public void check(JavaClass origin, ConditionEvents events) {
                        String outer = origin.getName().replaceFirst("\\$.*", "");
                        Set<String> allowed = GUARDED_INTERNAL_USES.getOrDefault(outer, Set.of());
                        for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                            JavaClass target = dependency.getTargetClass().getBaseComponentType();
                            String pkg = "." + target.getPackageName() + ".";
                            boolean internal = !target.getName().startsWith("dev.edgeproxy.")
                                    && (pkg.contains(".impl.") || pkg.contains(".internal."));
                            if (internal && !allowed.contains(target.getName())) {
                                events.add(SimpleConditionEvent.violated(dependency, dependency.getDescription()));
                            }
                        }
                    }
                })
                .check(classes);
    }
}
