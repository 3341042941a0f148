package dev.edgeproxy.http;

import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the proxy reads a raw query everywhere (route matches, CEL's {@code request.query}, a token in a
 * query parameter): pairs separated by {@code &} only, as browsers and the URL standard do; names and
 * values percent-decoded, {@code +} as space; a malformed escape taken literally rather than failing the
 * request. Reading it one way everywhere means what a rule sees is what the credential code removes.
 */
public final class QueryString {

    private QueryString() {
    }

    /** Every parameter with all its values, in order of first appearance. */
    public static Map<String, List<String>> parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            params.computeIfAbsent(name(pair), k -> new ArrayList<>()).add(value(pair));
        }
        params.replaceAll((k, v) -> Collections.unmodifiableList(v));
        return Collections.unmodifiableMap(params);
    }

    /** The decoded name of one raw {@code name=value} pair. */
    public static String name(String pair) {
        int eq = pair.indexOf('=');
        return decode(eq < 0 ? pair : pair.substring(0, eq));
    }

    /** The decoded value of one raw pair; {@code ""} when it has none. */
    public static String value(String pair) {
        int eq = pair.indexOf('=');
        return eq < 0 ? "" : decode(pair.substring(eq + 1));
    }

    private static String decode(String raw) {
        try {
            return QueryStringDecoder.decodeComponent(raw);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }
}
