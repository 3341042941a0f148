package dev.edgeproxy.transform;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime;
import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.Problems;
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
 * Compiles a route's {@code policies.transformations.request} into its {@link HeaderTransform}: header names
 * the proxy does not manage itself, values as CEL expressions of a scalar type.
 */
public final class TransformCompiler {

    private static final Set<CelType> VALUE_TYPES = Set.of(SimpleType.STRING, SimpleType.INT, SimpleType.UINT,
            SimpleType.DOUBLE, SimpleType.BOOL);
    private static final String FIELD = "policies.transformations.request";

    private final CelEnvironment cel;
    private final Problems problems;
    private final Duration errorLogInterval;

    /** @param errorLogInterval at most one evaluation-error log line per header in this interval */
    public TransformCompiler(CelEnvironment cel, Problems problems, Duration errorLogInterval) {
        this.cel = cel;
        this.problems = problems;
        this.errorLogInterval = errorLogInterval;
    }

    /** The route's transformation. Problems go to the route's report. */
    public HeaderTransform compile(String routeName, GatewayConfig.HeaderTransform config) {
        List<String> remove = new ArrayList<>();
        List<String> removeConfig = config.remove().orElse(List.of());
        for (int i = 0; i < removeConfig.size(); i++) {
            headerName(FIELD + ".remove[" + i + "]", removeConfig.get(i)).ifPresent(remove::add);
        }
        return new HeaderTransform(routeName, remove, edits(FIELD + ".set", config.set()),
                edits(FIELD + ".add", config.add()), errorLogInterval);
    }

    private List<HeaderTransform.Edit> edits(String field, Map<String, String> config) {
        List<HeaderTransform.Edit> out = new ArrayList<>();
        for (Map.Entry<String, String> e : config.entrySet()) {
            String f = field + "." + e.getKey();
            Optional<String> name = headerName(f, e.getKey());
            Optional<CelRuntime.Program> program = cel.compile(problems, f, e.getValue(), VALUE_TYPES);
            if (name.isPresent() && program.isPresent()) {
                out.add(new HeaderTransform.Edit(name.get(), e.getValue(), program.get()));
            }
        }
        return out;
    }

    private Optional<String> headerName(String field, String name) {
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
