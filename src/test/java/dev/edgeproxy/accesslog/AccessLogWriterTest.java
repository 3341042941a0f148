package dev.edgeproxy.accesslog;

import dev.edgeproxy.config.InvalidConfigException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The access log to standard output: batched, whole lines, timed, bounded. */
class AccessLogWriterTest {

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    private static AccessLogEntry entry(String path) {
        return new AccessLogEntry("r", "GET", path, 200, 1_000_000, 500_000, "alice", "10.0.0.7");
    }

    /** Every write() the writer makes, as it made it. */
    private static final class Writes extends OutputStream {
        final List<String> calls = new ArrayList<>();

        @Override
        public void write(int b) {
            throw new AssertionError("the writer writes whole buffers, never byte by byte");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        List<String> lines() {
            return List.of(String.join("", calls).split("\n"));
        }
    }

    @Test
    void plainLinesStartWithTheTimeAndKeepTheirOrder() {
        Writes out = new Writes();
        AccessLog log = AccessLog.create(true, "plain", "stdout", out);
        log.write(entry("/first"));
        log.write(entry("/second"));
        log.close();
        List<String> lines = out.lines();
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).matches("time=" + TIME + " route=r method=GET path=/first status=200 duration_ms=1.000 "
                + "upstream_ms=0.500 jwt.sub=alice client=10.0.0.7"), lines.get(0));
        assertTrue(lines.get(1).contains("path=/second"), lines.get(1));
        assertTrue(String.join("", out.calls).endsWith("\n"));
    }

    @Test
    void jsonLinesCarryTheTimeAsTheirFirstMember() {
        Writes out = new Writes();
        AccessLog log = AccessLog.create(true, "json", "stdout", out);
        log.write(entry("/x"));
        log.close();
        String line = out.lines().get(0);
        assertTrue(line.startsWith("{\"time\":\""), line);
        JsonObject parsed = new JsonObject(line);
        assertTrue(parsed.getString("time").matches(TIME), line);
        assertEquals("/x", parsed.getString("path"));
        assertEquals(9, parsed.size());
    }

    @Test
    void manyLinesGoOutInFewWritesOfWholeLinesNoLargerThanAPipeWritesAtOnce() {
        Writes out = new Writes();
        AccessLog log = AccessLog.create(true, "plain", "stdout", out);
        for (int i = 0; i < 500; i++) {
            log.write(entry("/item/" + i));
        }
        log.close();
        assertEquals(500, out.lines().size());
        assertTrue(out.calls.size() < 50, () -> out.calls.size() + " writes for 500 lines");
        for (String call : out.calls) {
            assertTrue(call.endsWith("\n"), "a write ends at a line's end");
            assertTrue(call.getBytes(StandardCharsets.UTF_8).length <= AccessLogWriter.MAX_WRITE, "at most PIPE_BUF");
        }
        for (int i = 0; i < 500; i++) {
            assertTrue(out.lines().get(i).contains("path=/item/" + i + " "), "in order");
        }
    }

    @Test
    void aLineLongerThanOneWriteIsWrittenAloneAndWhole() {
        Writes out = new Writes();
        AccessLog log = AccessLog.create(true, "plain", "stdout", out);
        String longPath = "/" + "a".repeat(AccessLogWriter.MAX_WRITE);
        log.write(entry("/before"));
        log.write(entry(longPath));
        log.write(entry("/after"));
        log.close();
        assertEquals(3, out.calls.size());
        assertTrue(out.calls.get(1).contains("path=" + longPath + " "));
        assertTrue(out.calls.get(1).endsWith("\n"));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        Writes out = new Writes();
        // an interval of an hour: nothing drains the queue while it is filled
        AccessLogWriter writer = new AccessLogWriter(out, p -> p.entry().path(), Duration.ofHours(1));
        try {
            for (int i = 0; i < AccessLogWriter.CAPACITY; i++) {
                assertTrue(writer.offer(i, entry("/" + i)));
            }
            assertFalse(writer.offer(0, entry("/one-too-many")));
            assertFalse(writer.offer(0, entry("/two-too-many")));
            assertEquals(2, writer.dropped());
            writer.writeQueued();
            assertEquals(AccessLogWriter.CAPACITY, out.lines().size());
            assertTrue(writer.offer(0, entry("/room-again")), "written lines make room");
        } finally {
            writer.close();
        }
        assertEquals("/room-again", out.lines().get(out.lines().size() - 1));
    }

    @Test
    void closingWritesWhatIsStillQueued() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter writer = new AccessLogWriter(out, p -> p.entry().path(), Duration.ofHours(1));
        writer.offer(0, entry("/last-words"));
        writer.close();
        assertEquals("/last-words\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aLineOfARequestThatEndsAfterTheDrainIsWrittenAtOnce() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AccessLogWriter writer = new AccessLogWriter(out, p -> p.entry().path(), Duration.ofHours(1));
        writer.offer(0, entry("/before-stop"));
        writer.close();
        writer.offer(0, entry("/while-stopping"));
        assertEquals("/before-stop\n/while-stopping\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anOutputThatFailsLosesItsLinesButNeverThrowsIntoTheProxy() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        AccessLogWriter writer = new AccessLogWriter(broken, p -> p.entry().path(), Duration.ofHours(1));
        try {
            assertTrue(writer.offer(0, entry("/lost")));
            writer.writeQueued();
            writer.writeQueued();
            for (int i = 0; i < AccessLogWriter.CAPACITY; i++) {
                assertTrue(writer.offer(0, entry("/" + i)), "the failed lines left the queue");
            }
            assertEquals(0, writer.dropped());
        } finally {
            writer.close();
        }
    }

    @Test
    void theWriterThreadWritesByItself() throws InterruptedException {
        Writes out = new Writes();
        AccessLogWriter writer = new AccessLogWriter(out, p -> p.entry().path(), Duration.ofMillis(5));
        try {
            writer.offer(0, entry("/soon"));
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (out.calls.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
        } finally {
            writer.close();
        }
        assertEquals(List.of("/soon"), out.lines());
    }

    @Test
    void timesAreUtcWithMillisecondsAlways() {
        assertEquals("1970-01-01T00:00:00.000Z", LogTime.format(0));
        assertEquals("2026-12-07T15:30:22.005Z", LogTime.format(1796657422005L));
        assertEquals("2026-12-07T15:30:22.980Z", LogTime.format(1796657422980L));
        assertEquals("2026-12-07T15:30:23.050Z", LogTime.format(1796657423050L));
    }

    @Test
    void config_unknownOutputIsAConfigurationErrorAndSoIsEachWrongValue() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> AccessLog.create(true, "plain", "file"));
        assertEquals(List.of("gateway.accessLog.output: unknown output 'file' (expected stdout or logger)"), e.errors());
        InvalidConfigException both = assertThrows(InvalidConfigException.class,
                () -> AccessLog.create(true, "xml", "file"));
        assertEquals(2, both.errors().size());
    }

    @Test
    void aLogThatIsOffWritesNothingAndStartsNoThread() {
        Writes out = new Writes();
        AccessLog log = AccessLog.create(false, "plain", "stdout", out);
        assertFalse(log.enabled());
        log.write(entry("/x"));
        log.close();
        assertTrue(out.calls.isEmpty());
    }
}
