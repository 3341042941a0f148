package dev.edgeproxy.authz;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.transform.HeaderTransform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user agent who makes a rule or a header expression fail on every request gets one log line per
 * rule per interval, not one per request; each rule keeps its own first line.
 */
class ErrorLogThrottlingTest {

    private static final Duration HOUR = Duration.ofHours(1);
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            lines.add(record.getLoggerName() + " " + record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private Logger watch(Class<?> type) {
        Logger logger = Logger.getLogger(type.getName());
        logger.addHandler(capture);
        return logger;
    }

    @AfterEach
    void detach() {
        Logger.getLogger(Authorizer.class.getName()).removeHandler(capture);
        Logger.getLogger(HeaderTransform.class.getName()).removeHandler(capture);
    }

    @Test
    void failingRuleIsLoggedOncePerInterval() {
        watch(Authorizer.class);
        // The claim is absent, so the require rule fails to evaluate on every request.
        Authorizer authorizer = new Authorizer("orders", AuthorizerTest.rules(List.of("require: jwt.email == \"x\"")), HOUR);
        for (int i = 0; i < 50; i++) {
            assertFalse(authorizer.authorize(TestRequest.get("/").variables()).allowed());
        }
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("route orders: require rule #0"), lines::toString);
    }

    @Test
    void eachRuleKeepsItsOwnFirstLine() {
        watch(Authorizer.class);
        Authorizer authorizer = new Authorizer("orders", AuthorizerTest.rules(List.of(
                "deny: request.headers[\"x-a\"] == \"1\"",
                "deny: request.headers[\"x-b\"] == \"1\"")), HOUR);
        for (int i = 0; i < 20; i++) {
            // Only the first deny fails (x-a absent) until x-a is sent; then the second one does.
            Map<String, String> headers = i < 10 ? Map.of() : Map.of("x-a", "0");
            assertFalse(authorizer.authorize(TestRequest.get("/").withHeaders(headers).variables()).allowed());
        }
        assertEquals(2, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("deny rule #0"), lines::toString);
        assertTrue(lines.get(1).contains("deny rule #1"), lines::toString);
    }

    @Test
    void failingHeaderExpressionIsLoggedOncePerInterval() {
        watch(HeaderTransform.class);
        HeaderTransform.Edit edit = new HeaderTransform.Edit("x-user", "jwt.sub",
                new CelEnvironment().compile("jwt.sub", java.util.Set.of(dev.cel.common.types.SimpleType.STRING)));
        HeaderTransform transform = new HeaderTransform("orders", List.of(), List.of(edit), List.of(), HOUR);
        for (int i = 0; i < 50; i++) {
            transform.apply(io.vertx.core.MultiMap.caseInsensitiveMultiMap(), TestRequest.get("/").variables());
        }
        assertEquals(1, lines.size(), lines::toString);
        assertTrue(lines.get(0).contains("route orders: header x-user"), lines::toString);
    }
}
