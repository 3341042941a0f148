package dev.edgeproxy.route;

/**
 * What route selection may look at in a request. The proxy adapts a live Vert.x request to it;
 * tests use plain values.
 */
public interface MatchInput {

    /** Host (or {@code :authority}) without port, lower-case; empty when the request has none. */
    String host();

    String method();

    /** The path as received, without the query. */
    String path();

    /** All values of a header joined with {@code ,}; {@code null} when absent. Name is case-insensitive. */
    String header(String name);

    /** First value of a query parameter; {@code null} when absent. */
    String queryParam(String name);
}
