package dev.edgeproxy.compile;

import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.error.GatewayError;
import dev.edgeproxy.http.HttpToken;
import dev.edgeproxy.http.TargetCanonicalizer;
import dev.edgeproxy.route.HostMatch;
import dev.edgeproxy.route.PathMatch;
import dev.edgeproxy.route.RouteMatch;
import dev.edgeproxy.route.ValueMatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A route's {@code hostnames} and {@code matches}: what selects it. Paths are compared with canonical request
 * paths, so a path no canonical request can have is refused (it would never match); regexes are RE2's, linear in
 * the input whatever the pattern. Problems go to the route's report, named by field.
 */
final class MatchCompiler {

    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern HOST_LABELS = Pattern.compile("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

    private final ProblemSink problems;
    /** The requests' canonicalisation: route paths are checked against it. */
    private final TargetCanonicalizer canonicalizer;

    /** @param problems one route's: fields are reported as {@code matches[0].path.regex} */
    MatchCompiler(ProblemSink problems, TargetCanonicalizer canonicalizer) {
        this.problems = problems;
        this.canonicalizer = canonicalizer;
    }

    HostMatch hostnames(List<String> hostnames) {
        for (int i = 0; i < hostnames.size(); i++) {
            String h = hostnames.get(i).strip().toLowerCase(Locale.ROOT);
            String bare = h.startsWith("*.") ? h.substring(2) : h;
            if (!HOST_LABELS.matcher(bare).matches()) {
                error("hostnames[" + i + "]", "'" + hostnames.get(i)
                        + "' is not a hostname or a leading wildcard such as *.example.org");
            }
        }
        return HostMatch.of(hostnames.stream().map(String::strip).toList());
    }

    List<RouteMatch> matches(List<GatewayConfig.Match> configs) {
        if (configs.isEmpty()) {
            return List.of(RouteMatch.ANY);
        }
        List<RouteMatch> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.Match m = configs.get(i);
            String field = "matches[" + i + "]";
            PathMatch path = m.path().map(p -> path(field + ".path", p)).orElse(new PathMatch.Prefix("/"));
            String method = m.method().map(String::strip).map(s -> s.toUpperCase(Locale.ROOT)).orElse(null);
            if (method != null && !METHOD.matcher(method).matches()) {
                error(field + ".method", "'" + m.method().get() + "' is not an HTTP method");
            }
            List<ValueMatch> headers = valueMatches(field + ".headers", m.headers().orElse(List.of()), true);
            List<ValueMatch> query = valueMatches(field + ".query", m.query().orElse(List.of()), false);
            if (path != null) {
                out.add(new RouteMatch(path, method, headers, query));
            }
        }
        return out;
    }

    private PathMatch path(String field, GatewayConfig.Path p) {
        int given = count(p.exact(), p.pathPrefix(), p.regex());
        if (given != 1) {
            error(field, "needs exactly one of exact, pathPrefix or regex (found " + given + ")");
            return null;
        }
        if (p.exact().isPresent()) {
            return slashPath(field + ".exact", p.exact().get()) ? new PathMatch.Exact(p.exact().get()) : null;
        }
        if (p.pathPrefix().isPresent()) {
            String prefix = p.pathPrefix().get();
            if (!slashPath(field + ".pathPrefix", prefix)) {
                return null;
            }
            // "/api/" and "/api" mean the same segment-aware prefix; "/" stays "/".
            String normalized = prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            return new PathMatch.Prefix(normalized);
        }
        com.google.re2j.Pattern pattern = regex(field + ".regex", p.regex().get());
        return pattern == null ? null : new PathMatch.Regex(pattern);
    }

    private boolean slashPath(String field, String value) {
        if (!value.startsWith("/")) {
            error(field, "'" + value + "' must start with /");
            return false;
        }
        // Paths are compared with the canonical request path: one that no request can have never matches.
        if (value.indexOf('?') >= 0) {
            error(field, "'" + value + "' must not contain a query");
            return false;
        }
        try {
            String canonical = canonicalizer.canonicalize("GET", value, null).path();
            if (!canonical.equals(value)) {
                error(field, "'" + value + "' is not canonical: requests for it arrive as '" + canonical + "'");
                return false;
            }
        } catch (GatewayError.BadRequest e) {
            error(field, "'" + value + "' can never match: such a request is refused (" + e.getMessage() + ")");
            return false;
        }
        return true;
    }

    private List<ValueMatch> valueMatches(String field, List<GatewayConfig.NamedMatch> configs, boolean header) {
        List<ValueMatch> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            GatewayConfig.NamedMatch nm = configs.get(i);
            String f = field + "[" + i + "]";
            String name = nm.name().map(String::strip).orElse("");
            if (name.isEmpty()) {
                error(f + ".name", "is required");
                continue;
            }
            if (header && !HttpToken.is(name)) {
                error(f + ".name", "'" + name + "' is not a valid header name");
                continue;
            }
            if (nm.value().isEmpty()) {
                error(f + ".value", "is required ({exact: ...} or {regex: ...})");
                continue;
            }
            GatewayConfig.ValueMatch v = nm.value().get();
            if (count(v.exact(), v.regex()) != 1) {
                error(f + ".value", "needs exactly one of exact or regex");
                continue;
            }
            String key = header ? name.toLowerCase(Locale.ROOT) : name;
            if (v.exact().isPresent()) {
                out.add(ValueMatch.exact(key, v.exact().get()));
            } else {
                com.google.re2j.Pattern p = regex(f + ".value.regex", v.regex().get());
                if (p != null) {
                    out.add(ValueMatch.regex(key, p));
                }
            }
        }
        return out;
    }

    /**
     * Compiles a regex that will run on client input with RE2: matching takes time linear in the input
     * whatever the pattern, so no request can make the proxy backtrack for minutes. RE2 has no
     * backreferences or lookaround; such a pattern is refused here, naming route and field.
     */
    private com.google.re2j.Pattern regex(String field, String source) {
        try {
            return com.google.re2j.Pattern.compile(source);
        } catch (com.google.re2j.PatternSyntaxException e) {
            error(field, "invalid regex '" + source + "': " + e.getMessage().replaceFirst("^error parsing regexp: ", "")
                    + " (RE2 syntax: no backreferences or lookaround)");
            return null;
        }
    }

    @SafeVarargs
    private static int count(Optional<String>... values) {
        int n = 0;
        for (Optional<String> v : values) {
            if (v.isPresent()) {
                n++;
            }
        }
        return n;
    }

    private void error(String field, String message) {
        problems.at(field, message);
    }
}
