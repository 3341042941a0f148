package dev.edgeproxy.transform;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.http.ManagedHeaders;
import dev.edgeproxy.http.HttpToken;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a route's {@code policies.transformations} into its {@link HeaderTransform}: header names
 * the proxy does not manage itself, values as CEL expressions of a scalar type. Only {@code request} exists.
 */
public final class TransformCompiler {

    private static final Set<CelType> VALUE_TYPES = Set.of(SimpleType.STRING, SimpleType.INT, SimpleType.UINT,
            SimpleType.DOUBLE, SimpleType.BOOL);
    private static final String REQUEST = "request";

    private final CelEnvironment cel;
    private final Duration errorLogInterval;

    /** @param errorLogInterval at most one evaluation-error log line per header in this interval */
    public TransformCompiler(CelEnvironment cel, Duration errorLogInterval) {
        this.cel = cel;
        this.errorLogInterval = errorLogInterval;
    }

    /**
     * The route's transformation; {@link HeaderTransform#NONE} without {@code request}.
     *
     * @param problems scoped to the route's {@code policies.transformations}: fields are reported as
     *                 {@code request.set.x-name}
     */
    public HeaderTransform compile(String routeName, GatewayConfig.Transformations config, ProblemSink problems) {
        return config.request().map(request -> request(routeName, request, problems)).orElse(HeaderTransform.NONE);
    }

    private HeaderTransform request(String routeName, GatewayConfig.HeaderTransform config, ProblemSink problems) {
        List<String> remove = new ArrayList<>();
        List<String> removeConfig = config.remove().orElse(List.of());
        for (int i = 0; i < removeConfig.size(); i++) {
            headerName(problems, REQUEST + ".remove[" + i + "]", removeConfig.get(i)).ifPresent(remove::add);
        }
        return new HeaderTransform(routeName, remove, edits(problems, REQUEST + ".set", config.set()),
                edits(problems, REQUEST + ".add", config.add()), errorLogInterval);
    }

    private List<HeaderTransform.Edit> edits(ProblemSink problems, String field, Map<String, String> config) {
        List<HeaderTransform.Edit> out = new ArrayList<>();
        for (Map.Entry<String, String> e : config.entrySet()) {
            String f = field + "." + e.getKey();
            Optional<String> name = headerName(problems, f, e.getKey());
            Optional<CelRuntime.Program> program = cel.compile(problems, f, e.getValue(), VALUE_TYPES);
            if (name.isPresent() && program.isPresent()) {
                out.add(new HeaderTransform.Edit(name.get(), e.getValue(), program.get()));
            }
        }
        return out;
    }

    private static Optional<String> headerName(ProblemSink problems, String field, String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (!HttpToken.is(n)) {
            problems.at(field, "'" + name + "' is not a valid header name");
            return Optional.empty();
        }
        if (ManagedHeaders.isManaged(n)) {
            problems.at(field, "'" + name + "' is managed by the proxy and cannot be transformed");
            return Optional.empty();
        }
        return Optional.of(n);
    }
}
