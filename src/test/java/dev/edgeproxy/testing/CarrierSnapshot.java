package dev.edgeproxy.testing;

import dev.edgeproxy.jwt.CredentialCarrier;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the origin would receive from a request: every header's values in order, per lower-case name (the
 * order of different header names carries no meaning), and the query, where empty and absent are the same.
 * Two snapshots are equal when the origin could not tell the requests apart.
 */
public record CarrierSnapshot(Map<String, List<String>> headers, String query) {

    public static CarrierSnapshot of(CredentialCarrier carrier) {
        Map<String, List<String>> headers = new TreeMap<>();
        carrier.requestHeaders().forEach(e ->
                headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue()));
        String query = carrier.rawQuery();
        return new CarrierSnapshot(headers, query == null || query.isEmpty() ? null : query);
    }
}
