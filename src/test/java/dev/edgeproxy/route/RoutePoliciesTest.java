package dev.edgeproxy.route;

import dev.cel.runtime.CelVariableResolver;
import dev.edgeproxy.cel.RequestVariables;
import dev.edgeproxy.error.GatewayError;
import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RoutePoliciesTest {

    /** A policy of a phase the pipeline runs in its own step (as the JWT policy and the rules are). */
    private record Stepped(Phase phase) implements RoutePolicy {
    }

    /** An admission that admits everyone: the tests look at where it is listed, not at what it decides. */
    private interface Open extends Admission {
        @Override
        default GatewayError admit(RequestVariables.Source request) {
            return null;
        }

        @Override
        default GatewayError peek(RequestVariables.Source request) {
            return null;
        }
    }

    private record Limit(String name) implements Open {
    }

    private record Headers(String name, Set<String> suppliedHeaders) implements Transformation {
        @Override
        public void apply(MultiMap headers, CelVariableResolver variables) {
            headers.set(name, "set");
        }
    }

    /** A second admission class, so two admissions of different classes can be on one route. */
    private record Quota(String name) implements Open {
    }

    @Test
    void orderedByPhaseWhateverTheConfigurationOrder() {
        Headers transform = new Headers("x-a", Set.of("x-a"));
        Stepped rules = new Stepped(RoutePolicy.Phase.AFTER_AUTHENTICATION);
        Stepped authentication = new Stepped(RoutePolicy.Phase.AUTHENTICATION);
        Limit limit = new Limit("l");
        RoutePolicies policies = new RoutePolicies(List.of(transform, rules, limit));
        assertEquals(List.of(limit, rules, transform), policies.all());
        RoutePolicies withAuth = new RoutePolicies(List.of(transform, limit, authentication));
        assertEquals(List.of(limit, authentication, transform), withAuth.all());
    }

    @Test
    void configurationOrderWithinAPhase() {
        Limit limit = new Limit("l");
        Quota quota = new Quota("q");
        assertEquals(List.of(quota, limit), new RoutePolicies(List.of(quota, limit)).admissions());
        assertEquals(List.of(limit, quota), new RoutePolicies(List.of(limit, quota)).admissions());
    }

    @Test
    void phaseContractsAreListedForThePipeline() {
        Headers transform = new Headers("x-a", Set.of("x-a"));
        Limit limit = new Limit("l");
        RoutePolicies policies = new RoutePolicies(List.of(transform, new Stepped(RoutePolicy.Phase.AUTHENTICATION),
                limit));
        assertEquals(List.of(limit), policies.admissions());
        assertEquals(List.of(transform), policies.transformations());
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        policies.transformations().forEach(t -> t.apply(headers, name -> java.util.Optional.empty()));
        assertEquals("set", headers.get("x-a"));
    }

    @Test
    void findReturnsThePolicyOfAClassOrNull() {
        Limit limit = new Limit("l");
        RoutePolicies policies = new RoutePolicies(List.of(limit));
        assertSame(limit, policies.find(Limit.class));
        assertSame(limit, policies.find(Admission.class));
        assertNull(policies.find(Headers.class));
        assertNull(RoutePolicies.NONE.find(Limit.class));
        assertTrue(RoutePolicies.NONE.all().isEmpty());
    }

    @Test
    void twoPoliciesOfOneClassAreRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new RoutePolicies(List.of(new Limit("a"), new Limit("b"))));
        assertTrue(refused.getMessage().contains("Limit"), refused.getMessage());
    }
}
