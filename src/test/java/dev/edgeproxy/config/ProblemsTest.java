package dev.edgeproxy.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a scoped sink spells its problems: the lines users read must not depend on who reported them. */
class ProblemsTest {

    @Test
    void aScopeJoinsItsPrefixAndTheFieldWithADot() {
        Problems problems = new Problems();
        problems.scope("route 'x'", "policies.localRateLimit").at("fillInterval", "must be greater than zero");
        assertEquals(List.of("route 'x': policies.localRateLimit.fillInterval: must be greater than zero"), problems.all());
    }

    @Test
    void anEmptyFieldNamesTheScopeAndAnEmptyPrefixLeavesTheFieldAlone() {
        Problems problems = new Problems();
        problems.scope("route 'x'", "policies.jwtAuth").at("", "use either issuer/audiences/jwks or providers, not both");
        problems.scope("gateway", "").at("limits.maxRequestBody", "bad");
        assertEquals(List.of("route 'x': policies.jwtAuth: use either issuer/audiences/jwks or providers, not both",
                "gateway: limits.maxRequestBody: bad"), problems.all());
    }

    @Test
    void scopesShareOneOrderedListAndEachScopeCountsItsOwn() {
        Problems problems = new Problems();
        ProblemSink route = problems.scope("route 'a'", "");
        route.at("name", "is required");
        ProblemSink jwt = problems.scope("route 'a'", "policies.jwtAuth");
        ProblemSink authz = problems.scope("route 'a'", "policies.authorization");
        jwt.at("mode", "unknown");
        authz.at("rules[0]", "needs exactly one of allow, deny or require");
        jwt.at("jwks", "is required");
        problems.scope("gateway", "").at("limits.maxRequestBody", "bad");
        assertEquals(List.of("route 'a': name: is required", "route 'a': policies.jwtAuth.mode: unknown",
                "route 'a': policies.authorization.rules[0]: needs exactly one of allow, deny or require",
                "route 'a': policies.jwtAuth.jwks: is required", "gateway: limits.maxRequestBody: bad"),
                problems.all());
        assertEquals(1, route.count());
        assertEquals(2, jwt.count());
        assertEquals(1, authz.count());
        assertEquals(5, problems.count());
    }
}
