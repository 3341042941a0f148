package dev.edgeproxy.transform;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.logging.LogThrottle;
import dev.edgeproxy.route.Transformation;
import io.vertx.core.MultiMap;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A route's {@code transformations.request}: header edits applied to what goes to the origin, after
 * authorization. Order: {@code remove}, then {@code set} (replacing whatever the user agent sent under
 * that name), then {@code add}.
 *
 * <p>A {@code set} whose expression fails (an absent claim, say) still removes the user agent's
 * header of that name: a client can never supply a value that the proxy was told to set.
 */
public final class HeaderTransform implements Transformation {

    private static final Logger LOG = Logger.getLogger(HeaderTransform.class);

    public static final HeaderTransform NONE = new HeaderTransform("", List.of(), List.of(), List.of());

    /** A header name and the compiled expression producing its value. */
    public record Edit(String header, String source, CelRuntime.Program program) {
    }

    private final String routeName;
    private final List<String> remove;
    private final List<Edit> set;
    private final List<Edit> add;
    /** One per edit: a user agent can make an expression fail on every request. */
    private final Map<Edit, LogThrottle> errorLog = new IdentityHashMap<>();

    public HeaderTransform(String routeName, List<String> remove, List<Edit> set, List<Edit> add) {
        this(routeName, remove, set, add, Duration.ofSeconds(10));
    }

    /** @param logInterval at most one error line per edit in this interval */
    public HeaderTransform(String routeName, List<String> remove, List<Edit> set, List<Edit> add, Duration logInterval) {
        this.routeName = routeName;
        this.remove = List.copyOf(remove);
        this.set = List.copyOf(set);
        this.add = List.copyOf(add);
        // Filled once here and only read afterwards, so sharing it between event loops is safe.
        this.set.forEach(e -> errorLog.put(e, new LogThrottle(logInterval)));
        this.add.forEach(e -> errorLog.put(e, new LogThrottle(logInterval)));
    }

    @Override
    public Set<String> suppliedHeaders() {
        Set<String> names = new HashSet<>();
        set.forEach(e -> names.add(e.header().toLowerCase(Locale.ROOT)));
        add.forEach(e -> names.add(e.header().toLowerCase(Locale.ROOT)));
        return names;
    }

    public boolean isEmpty() {
        return remove.isEmpty() && set.isEmpty() && add.isEmpty();
    }

    @Override
    public void apply(MultiMap headers, CelVariableResolver variables) {
        for (String name : remove) {
            headers.remove(name);
        }
        for (Edit edit : set) {
            headers.remove(edit.header());
            String value = evaluate(edit, variables);
            if (value != null) {
                headers.set(edit.header(), value);
            }
        }
        for (Edit edit : add) {
            String value = evaluate(edit, variables);
            if (value != null) {
                headers.add(edit.header(), value);
            }
        }
    }

    private String evaluate(Edit edit, CelVariableResolver variables) {
        try {
            Object value = edit.program().eval(variables);
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                // The one field-value check of the whole request path: a claim holding a CR, LF, NUL or another
                // control character never reaches the origin (nor Vert.x's client, which would throw).
                String text = HeaderFields.wireForm(String.valueOf(value));
                if (HeaderFields.validValue(text)) {
                    return text;
                }
                warn(edit, "produced a value that is not a valid header field value (a control character, or"
                        + " space at either end)");
                return null;
            }
            warn(edit, "did not produce a scalar");
        } catch (CelEvaluationException | RuntimeException e) {
            warn(edit, "failed to evaluate: " + (e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("")));
        }
        return null;
    }

    private void warn(Edit edit, String problem) {
        LogThrottle throttle = errorLog.get(edit);
        long dropped = throttle.acquire();
        if (dropped >= 0) {
            LOG.warnf("route %s: header %s (%s) %s; not set%s",
                    routeName, edit.header(), edit.source(), problem, throttle.suffix(dropped));
        }
    }
}
