package dev.edgeproxy.ipaccess;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.Problems;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.TestKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code policies.ipAccess} through the real compiler and through its own with a scoped sink: what is refused,
 * naming route and field, and what a valid one decides.
 */
class IpAccessCompilerTest {

    private static String route(String lists) {
        return Configs.policyRoute("ipAccess: {" + lists + "}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'allow: [localhost]'                            | allow[0]",
            "'allow: [192.0.2.0/24, 198.51.100.7/16]'        | allow[1]",
            "'deny: [2001:db8::/200]'                        | deny[0]",
            "'allow: [192.0.2.0/24], deny: [10.0.0.0/8, x]'  | deny[1]",
            "'allow: [], deny: []'                           | allow"})
    void invalidListsAreRefusedNamingTheField(String lists, String field) {
        String yaml = route(lists);
        InvalidConfigException e = Configs.compileFails(yaml);
        Configs.assertReported(e, "route 'r'", "policies.ipAccess." + field);
        // The compiler alone, with the sink the route compiler gives it, reports the very same lines.
        Problems problems = new Problems();
        GatewayConfig.IpAccess config = Configs.policiesOf(yaml).ipAccess().orElseThrow();
        assertNull(new IpAccessCompiler().compile(config, problems.scope("route 'r'", "policies.ipAccess")));
        assertEquals(e.errors(), problems.all());
    }

    @Test
    void everyBadEntryIsReportedAtOnce() {
        InvalidConfigException e = Configs.compileFails(route("allow: [a, 192.0.2.0/24, b], deny: [c]"));
        assertEquals(3, e.errors().size(), e.errors().toString());
    }

    @Test
    void aValidPolicyBecomesTheRoutesAdmission() {
        Route r = Configs.route(Configs.compile(route("allow: [192.0.2.0/24, '2001:db8::/32'], deny: [192.0.2.128/25]")),
                "r");
        IpAccess access = assertInstanceOf(IpAccess.class, r.policies().admissions().get(0));
        assertTrue(access.admits("192.0.2.5"));
        assertTrue(access.admits("2001:db8::7"));
        assertEquals(false, access.admits("192.0.2.200"), "deny wins over allow");
        assertEquals(false, access.admits("198.51.100.1"), "outside every allowed block");
    }

    @Test
    void runsBeforeAuthenticationWhateverTheOrderWritten() {
        String jwks = TestKeys.jwks(TestKeys.rsa2048().getPublic(), "k");
        Route r = Configs.route(Configs.compile(Configs.policyRoute("""
                jwtAuth:
                  issuer: i
                  jwks: {inline: '%s'}
                ipAccess: {deny: [192.0.2.0/24]}
                """.formatted(jwks))), "r");
        assertInstanceOf(IpAccess.class, r.policies().all().get(0));
        assertEquals(List.of(r.policies().all().get(0)), r.policies().admissions());
    }

    @Test
    void aRefusalIs403WithAShortBody() {
        IpAccess access = new IpAccessCompiler().compile(Configs.policiesOf(route("deny: [0.0.0.0/0]")).ipAccess()
                .orElseThrow(), new Problems().scope("route 'r'", "policies.ipAccess"));
        GatewayError refusal = access.admit(new IpAccessTest.Client("203.0.113.4"));
        assertEquals(403, refusal.status());
        assertEquals("client address not allowed", refusal.body());
        assertEquals(403, access.peek(new IpAccessTest.Client("203.0.113.4")).status());
        assertNull(access.admit(new IpAccessTest.Client("2001:db8::1")), "an IPv6 client is in no IPv4 block");
    }
}
