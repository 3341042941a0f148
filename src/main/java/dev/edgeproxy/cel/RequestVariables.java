package dev.edgeproxy.cel;

import dev.cel.runtime.CelVariableResolver;

import java.util.Map;
import java.util.Optional;

/**
 * The values of the CEL variables for one request, computed only when a program asks for them:
 * a rule that reads {@code request.path} never pays for building the header map.
 */
public final class RequestVariables implements CelVariableResolver {

    public static final String METHOD = "request.method";
    public static final String PATH = "request.path";
    public static final String PATH_AND_QUERY = "request.pathAndQuery";
    public static final String HOST = "request.host";
    public static final String SCHEME = "request.scheme";
    public static final String HEADERS = "request.headers";
    public static final String QUERY = "request.query";
    public static final String SOURCE_ADDRESS = "source.address";
    public static final String SOURCE_PORT = "source.port";
    public static final String SOURCE_CERTIFICATE = "source.certificate";
    public static final String JWT = "jwt";

    /** Where the values come from; the proxy adapts its live request to this. */
    public interface Source {
        String method();

        String path();

        String pathAndQuery();

        String host();

        String scheme();

        /** Lower-case names; repeated headers joined with {@code ,}. */
        Map<String, String> headers();

        /** First value of each query parameter. */
        Map<String, String> query();

        String sourceAddress();

        long sourcePort();

        Map<String, Object> claims();

        /**
         * The client certificate verified in the TLS handshake (mTLS), as
         * {@code dev.edgeproxy.http.ClientCertificate} describes it; empty when there is none, like {@link #claims()}
         * without a token.
         */
        default Map<String, Object> certificate() {
            return Map.of();
        }
    }

    private final Source source;
    private Map<String, String> headers;
    private Map<String, String> query;

    public RequestVariables(Source source) {
        this.source = source;
    }

    @Override
    public Optional<Object> find(String name) {
        return Optional.ofNullable(value(name));
    }

    /** The value of the variable {@code name}; {@code null} for a name that is not one. */
    public Object value(String name) {
        return switch (name) {
            case METHOD -> source.method();
            case PATH -> source.path();
            case PATH_AND_QUERY -> source.pathAndQuery();
            case HOST -> source.host();
            case SCHEME -> source.scheme();
            case HEADERS -> headers == null ? headers = source.headers() : headers;
            case QUERY -> query == null ? query = source.query() : query;
            case SOURCE_ADDRESS -> source.sourceAddress();
            case SOURCE_PORT -> source.sourcePort();
            case SOURCE_CERTIFICATE -> source.certificate();
            case JWT -> source.claims();
            default -> null;
        };
    }
}
