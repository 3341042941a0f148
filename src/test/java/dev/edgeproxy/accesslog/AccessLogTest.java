package dev.edgeproxy.accesslog;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.testing.Configs;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log line, in both formats, as operators and their log pipelines read it. */
class AccessLogTest {

    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";

    private static final AccessLogEntry VERIFIED = new AccessLogEntry("strict", "GET", "/strict/x", 200,
            3_412_000, 2_107_499, "alice", "10.0.0.7");
    private static final AccessLogEntry NOT_ROUTED = new AccessLogEntry(null, "POST", "/nowhere", 404,
            180_000, AccessLogEntry.NOT_FORWARDED, null, "127.0.0.1");

    private static AccessLog log(String format) {
        return AccessLog.create(true, format, "logger");
    }

    // --- plain ------------------------------------------------------------------------------------

    @Test
    void plain_verifiedRequestNamesEveryField() {
        assertEquals("route=strict method=GET path=/strict/x status=200 duration_ms=3.412 upstream_ms=2.107 "
                + "jwt.sub=alice client=10.0.0.7", log("plain").line(VERIFIED));
    }

    @Test
    void plain_absentValuesAreDashes() {
        assertEquals("route=- method=POST path=/nowhere status=404 duration_ms=0.180 upstream_ms=- jwt.sub=- "
                + "client=127.0.0.1", log("plain").line(NOT_ROUTED));
    }

    @Test
    void plain_valuesWithSpacesQuotesOrControlCharactersAreQuoted() {
        AccessLogEntry odd = new AccessLogEntry("r", "GET", "/a\"b", 200, 0, 0, "Ann Lee=\n", "::1");
        String line = log("plain").line(odd);
        assertEquals("route=r method=GET path=\"/a\\\"b\" status=200 duration_ms=0.000 upstream_ms=0.000 "
                + "jwt.sub=\"Ann Lee=\\n\" client=::1", line);
        assertFalse(line.contains("\n"), "one line per request, whatever a claim holds");
    }

    @Test
    void plain_longDurationsStayInPlainNotation() {
        AccessLogEntry slow = new AccessLogEntry("r", "GET", "/", 200, 3_600_000_000_000L, 3_600_000_000_000L,
                null, "::1");
        assertTrue(log("plain").line(slow).contains("duration_ms=3600000.000 upstream_ms=3600000.000"));
    }

    @Test
    void plain_millisecondsAreWrittenAsTheJsonNumberIs() {
        for (long nanos : new long[] {0, 1, 499, 500, 999_499, 999_500, 1_000_000, 3_412_000, 2_107_499, 12_345_678_901L,
                3_600_000_000_000L, Long.MAX_VALUE / 2}) {
            StringBuilder plain = new StringBuilder();
            AccessLine.appendMillis(plain, nanos);
            assertEquals(AccessLine.millis(nanos).toPlainString(), plain.toString(), () -> nanos + " ns");
        }
    }

    // --- json -------------------------------------------------------------------------------------

    @Test
    void json_isOneValidObjectWithTheSameFields() {
        String line = log("json").line(VERIFIED);
        assertEquals("{\"route\":\"strict\",\"method\":\"GET\",\"path\":\"/strict/x\",\"status\":200,"
                + "\"duration_ms\":3.412,\"upstream_ms\":2.107,\"jwt.sub\":\"alice\",\"client\":\"10.0.0.7\"}", line);
        JsonObject parsed = new JsonObject(line);
        assertEquals("strict", parsed.getString("route"));
        assertEquals("GET", parsed.getString("method"));
        assertEquals("/strict/x", parsed.getString("path"));
        assertEquals(200, parsed.getInteger("status"));
        assertEquals(new BigDecimal("3.412"), new BigDecimal(parsed.getValue("duration_ms").toString()));
        assertEquals(new BigDecimal("2.107"), new BigDecimal(parsed.getValue("upstream_ms").toString()));
        assertEquals("alice", parsed.getString("jwt.sub"));
        assertEquals("10.0.0.7", parsed.getString("client"));
        assertEquals(8, parsed.size());
    }

    @Test
    void json_absentValuesAreNull() {
        JsonObject parsed = new JsonObject(log("json").line(NOT_ROUTED));
        assertTrue(parsed.containsKey("route"));
        assertNull(parsed.getValue("route"));
        assertNull(parsed.getValue("upstream_ms"));
        assertNull(parsed.getValue("jwt.sub"));
        assertEquals(404, parsed.getInteger("status"));
    }

    @Test
    void json_escapesWhatAClaimOrPathHolds() {
        AccessLogEntry odd = new AccessLogEntry("r", "GET", "/a\"b\\c", 200, 0, 0, "line\nbreak\u0001", "::1");
        JsonObject parsed = new JsonObject(log("json").line(odd));
        assertEquals("/a\"b\\c", parsed.getString("path"));
        assertEquals("line\nbreak\u0001", parsed.getString("jwt.sub"));
    }

    // --- what never appears -----------------------------------------------------------------------

    @Test
    void aQueryNeverReachesTheLine_tokenInTheQueryIsCutOff() {
        AccessLogEntry withQuery = new AccessLogEntry("qtoken", "GET", "/qtoken/x?access_token=" + TOKEN + "&a=1",
                200, 1_000_000, 500_000, "alice", "127.0.0.1");
        assertEquals("/qtoken/x", withQuery.path());
        for (String format : new String[] {"plain", "json"}) {
            String line = log(format).line(withQuery);
            assertFalse(line.contains(TOKEN), format);
            assertFalse(line.contains("access_token"), format);
            assertFalse(line.contains("?"), format);
        }
    }

    @Test
    void theEntryHasNoPlaceForHeadersOrTokens() {
        // The record's components are the whole vocabulary of a line: no header, cookie or credential.
        var names = java.util.Arrays.stream(AccessLogEntry.class.getRecordComponents())
                .map(java.lang.reflect.RecordComponent::getName).toList();
        assertEquals(java.util.List.of("route", "method", "path", "status", "durationNanos", "originNanos",
                "subject", "client"), names);
    }

    // --- configuration ----------------------------------------------------------------------------

    @Test
    void config_defaultsArePlainAndEnabled() {
        GatewayConfig.AccessLog config = bind("gateway: {}").accessLog();
        assertTrue(config.enabled());
        AccessLog log = AccessLog.create(config.enabled(), config.format(), config.output());
        assertEquals(AccessLog.Format.PLAIN, log.format());
        assertEquals(AccessLog.Output.STDOUT, log.output());
    }

    @Test
    void config_formatAndEnabledBindFromYaml() {
        GatewayConfig.AccessLog config = bind("""
                gateway:
                  accessLog:
                    enabled: false
                    format: json
                """).accessLog();
        assertFalse(config.enabled());
        AccessLog log = AccessLog.create(config.enabled(), config.format(), config.output());
        assertEquals(AccessLog.Format.JSON, log.format());
        assertFalse(log.enabled());
    }

    @Test
    void config_unknownFormatIsAConfigurationError() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> AccessLog.create(true, "xml", "stdout"));
        assertEquals("gateway.accessLog.format: unknown format 'xml' (expected plain or json)", e.errors().get(0));
    }

    private static GatewayConfig bind(String yaml) {

        return Configs.bind(yaml);
    }
}
