package dev.edgeproxy.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP trace receiver for the end-to-end tests: the application under test exports to it with
 * Quarkus' own exporter ({@code http/protobuf}), and it keeps every span it receives. The protobuf messages of
 * {@code opentelemetry/proto/trace/v1/trace.proto} are read field by field (numbers as in that file), so the
 * tests need no generated classes.
 */
public final class TraceCollector implements AutoCloseable {

    /** SpanKind numbers of trace.proto. */
    public static final int SERVER = 2;
    public static final int CLIENT = 3;
    /** Status.StatusCode numbers of trace.proto. */
    public static final int STATUS_UNSET = 0;
    public static final int STATUS_ERROR = 2;

    /** One received span. Ids are lower-case hex; {@code parentSpanId} is empty for a root span. */
    public record Span(String traceId, String spanId, String parentSpanId, String traceState, String name, int kind,
            String scope, Map<String, Object> attributes, List<Event> events, int statusCode) {

        public Event event(String name) {
            return events.stream().filter(e -> e.name().equals(name)).findFirst().orElse(null);
        }
    }

    public record Event(String name, Map<String, Object> attributes) {
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    private final Queue<Span> spans = new ConcurrentLinkedQueue<>();
    private final Queue<Map<String, Object>> resources = new ConcurrentLinkedQueue<>();

    public TraceCollector() {
        server = vertx.createHttpServer()
                .requestHandler(this::handle)
                .listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().join();
    }

    public int port() {
        return server.actualPort();
    }

    /** Every span received so far. */
    public List<Span> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace received so far. */
    public List<Span> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** The attributes of every resource that sent spans. */
    public List<Map<String, Object>> resources() {
        return List.copyOf(resources);
    }

    private void handle(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            try {
                read(unzipped(request, body));
                request.response().putHeader("content-type", "application/x-protobuf").end();
            } catch (IOException e) {
                request.response().setStatusCode(400).end(e.toString());
            }
        });
    }

    private static byte[] unzipped(HttpServerRequest request, Buffer body) throws IOException {
        if ("gzip".equalsIgnoreCase(request.getHeader("content-encoding"))) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(body.getBytes()))) {
                return in.readAllBytes();
            }
        }
        return body.getBytes();
    }

    /** ExportTraceServiceRequest: resource_spans = 1. */
    private void read(byte[] request) throws InvalidProtocolBufferException {
        for (ByteString resourceSpans : fields(UnknownFieldSet.parseFrom(request), 1)) {
            // ResourceSpans: resource = 1 (Resource: attributes = 1), scope_spans = 2.
            UnknownFieldSet rs = UnknownFieldSet.parseFrom(resourceSpans);
            for (ByteString resource : fields(rs, 1)) {
                resources.add(attributes(UnknownFieldSet.parseFrom(resource), 1));
            }
            for (ByteString scopeSpans : fields(rs, 2)) {
                // ScopeSpans: scope = 1 (InstrumentationScope: name = 1), spans = 2.
                UnknownFieldSet ss = UnknownFieldSet.parseFrom(scopeSpans);
                String scope = fields(ss, 1).isEmpty() ? "" : string(UnknownFieldSet.parseFrom(fields(ss, 1).get(0)), 1);
                for (ByteString span : fields(ss, 2)) {
                    spans.add(span(UnknownFieldSet.parseFrom(span), scope));
                }
            }
        }
    }

    /**
     * Span: trace_id = 1, span_id = 2, trace_state = 3, parent_span_id = 4, name = 5, kind = 6, attributes = 9,
     * events = 11, status = 15 (Status: code = 3).
     */
    private static Span span(UnknownFieldSet s, String scope) throws InvalidProtocolBufferException {
        List<Event> events = new ArrayList<>();
        for (ByteString event : fields(s, 11)) {
            // Event: name = 2, attributes = 3.
            UnknownFieldSet e = UnknownFieldSet.parseFrom(event);
            events.add(new Event(string(e, 2), attributes(e, 3)));
        }
        int status = 0;
        if (!fields(s, 15).isEmpty()) {
            status = (int) varint(UnknownFieldSet.parseFrom(fields(s, 15).get(0)), 3);
        }
        return new Span(hex(s, 1), hex(s, 2), hex(s, 4), string(s, 3), string(s, 5), (int) varint(s, 6), scope,
                attributes(s, 9), List.copyOf(events), status);
    }

    /** KeyValue: key = 1, value = 2 (AnyValue: string = 1, bool = 2, int = 3, double = 4, bytes = 7). */
    private static Map<String, Object> attributes(UnknownFieldSet message, int field) throws InvalidProtocolBufferException {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (ByteString keyValue : fields(message, field)) {
            UnknownFieldSet kv = UnknownFieldSet.parseFrom(keyValue);
            Object value = null;
            if (!fields(kv, 2).isEmpty()) {
                UnknownFieldSet any = UnknownFieldSet.parseFrom(fields(kv, 2).get(0));
                if (any.hasField(1)) {
                    value = string(any, 1);
                } else if (any.hasField(2)) {
                    value = varint(any, 2) != 0;
                } else if (any.hasField(3)) {
                    value = varint(any, 3);
                } else if (any.hasField(4)) {
                    value = Double.longBitsToDouble(any.getField(4).getFixed64List().get(0));
                } else {
                    value = any.toString();
                }
            }
            attributes.put(string(kv, 1), value);
        }
        return attributes;
    }

    private static List<ByteString> fields(UnknownFieldSet message, int number) {
        return message.hasField(number) ? message.getField(number).getLengthDelimitedList() : List.of();
    }

    private static String string(UnknownFieldSet message, int number) {
        List<ByteString> values = fields(message, number);
        return values.isEmpty() ? "" : values.get(0).toStringUtf8();
    }

    private static String hex(UnknownFieldSet message, int number) {
        List<ByteString> values = fields(message, number);
        return values.isEmpty() ? "" : HexFormat.of().formatHex(values.get(0).toByteArray());
    }

    private static long varint(UnknownFieldSet message, int number) {
        return message.hasField(number) && !message.getField(number).getVarintList().isEmpty()
                ? message.getField(number).getVarintList().get(0) : 0;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
