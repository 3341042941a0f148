package dev.edgeproxy.trace;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.vertx.core.MultiMap;

import java.util.List;

/** Reads and writes trace context in Vert.x header maps. */
final class TraceHeaders {

    /**
     * Reads one header; a header sent more than once reads as absent, so a request with two
     * {@code traceparent}s continues neither.
     */
    static final TextMapGetter<MultiMap> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(MultiMap carrier) {
            return carrier.names();
        }

        @Override
        public String get(MultiMap carrier, String key) {
            if (carrier == null) {
                return null;
            }
            List<String> values = carrier.getAll(key);
            return values.size() == 1 ? values.get(0) : null;
        }
    };

    /** Sets (replaces) a header. */
    static final TextMapSetter<MultiMap> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.set(key, value);
        }
    };

    private TraceHeaders() {
    }
}
