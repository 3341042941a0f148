package dev.edgeproxy.jwt;

import dev.edgeproxy.config.Durations;
import dev.edgeproxy.config.GatewayConfig;
import dev.edgeproxy.config.ProblemSink;
import dev.edgeproxy.http.HttpToken;

import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.jwt.jwks.JwksSource;
import dev.edgeproxy.jwt.jwks.JwksSources;
import dev.edgeproxy.jwt.jwks.KeySetParser;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compiles a route's {@code policies.jwtAuth}: mode, token location, clock skew, and each provider's
 * issuer, audiences and keys — read from a file, inline, or fetched from a URL right now, so that a
 * provider whose keys cannot be loaded stops startup.
 */
public final class JwtPolicyCompiler {

    static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(5);

    private final Supplier<JwksFetcher> fetcher;
    private final List<AutoCloseable> started = new ArrayList<>();

    /** @param fetcher asked only when some provider has a {@code jwks.url} */
    public JwtPolicyCompiler(Supplier<JwksFetcher> fetcher) {
        this.fetcher = fetcher;
    }

    /** The remote key sources created so far: they refresh in the background until closed. */
    public List<AutoCloseable> started() {
        return started;
    }

    /**
     * @param problems scoped to the route's {@code policies.jwtAuth}: fields are reported as {@code jwks.url}
     * @return the authenticator, or {@code null} when the policy has problems (already reported)
     */
    public JwtAuthenticator compile(String routeName, GatewayConfig.JwtAuth j, ProblemSink problems) {
        int before = problems.count();
        JwtMode mode = mode(problems, j.mode());
        TokenLocation location = j.location().map(l -> location(problems, l)).orElse(TokenLocation.DEFAULT);
        Duration skew = j.clockSkew().map(s -> Durations.field(problems, "clockSkew", s, DEFAULT_CLOCK_SKEW)).orElse(DEFAULT_CLOCK_SKEW);
        if (skew.isNegative()) {
            problems.at("clockSkew", "must not be negative");
        }
        List<TokenVerifier.ProviderSpec> specs = new ArrayList<>();
        Duration refetchWait = Duration.ZERO;
        boolean single = j.issuer().isPresent() || j.jwks().isPresent() || j.audiences().isPresent();
        List<ProviderConfig> providers = new ArrayList<>();
        if (j.providers().isPresent()) {
            if (single) {
                problems.at("", "use either issuer/audiences/jwks or providers, not both");
            }
            if (j.providers().get().isEmpty()) {
                problems.at("providers", "is empty");
            }
            for (int i = 0; i < j.providers().get().size(); i++) {
                GatewayConfig.Provider p = j.providers().get().get(i);
                providers.add(new ProviderConfig("providers[" + i + "]", p.issuer(), p.audiences(), p.jwks()));
            }
        } else {
            providers.add(new ProviderConfig("", j.issuer(), j.audiences(), j.jwks()));
        }
        for (ProviderConfig p : providers) {
            Optional<Keys> keys = provider(problems, routeName, p);
            if (keys.isPresent()) {
                specs.add(keys.get().spec());
                if (keys.get().refetchWait().compareTo(refetchWait) > 0) {
                    refetchWait = keys.get().refetchWait();
                }
            }
        }
        if (problems.count() != before) {
            return null;
        }
        return new JwtAuthenticator(routeName, mode, location, TokenVerifier.create(specs, skew), refetchWait);
    }

    /** A provider's spec, and how long a request may wait for its keys to be refetched (zero: never). */
    private record Keys(TokenVerifier.ProviderSpec spec, Duration refetchWait) {
    }

    /** @param field where the provider is, relative to the policy: empty for the single provider */
    private record ProviderConfig(String field, Optional<String> issuer, Optional<List<String>> audiences,
            Optional<GatewayConfig.Jwks> jwks) {
    }

    private static JwtMode mode(ProblemSink problems, Optional<String> configured) {
        if (configured.isEmpty()) {
            return JwtMode.OPTIONAL;
        }
        try {
            return JwtMode.valueOf(configured.get().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.at("mode", "unknown mode '" + configured.get() + "' (expected strict, optional or permissive)");
            return JwtMode.OPTIONAL;
        }
    }

    private static TokenLocation location(ProblemSink problems, GatewayConfig.Location l) {
        String field = "location";
        int given = (l.header().isPresent() ? 1 : 0) + (l.queryParameter().isPresent() ? 1 : 0) + (l.cookie().isPresent() ? 1 : 0);
        if (given != 1) {
            problems.at(field, "needs exactly one of header, queryParameter or cookie (found " + given + ")");
            return TokenLocation.DEFAULT;
        }
        if (l.header().isPresent()) {
            String name = l.header().get().name().map(String::strip).orElse("authorization");
            if (!HttpToken.is(name)) {
                problems.at(field + ".header.name", "'" + name + "' is not a valid header name");
            }
            String prefix = l.header().get().prefix().orElse(name.equalsIgnoreCase("authorization") ? "Bearer " : "");
            return new TokenLocation.Header(name, prefix);
        }
        if (l.queryParameter().isPresent()) {
            return new TokenLocation.QueryParameter(requiredName(problems, field + ".queryParameter.name", l.queryParameter().get()));
        }
        String cookie = requiredName(problems, field + ".cookie.name", l.cookie().get());
        if (!cookie.isEmpty() && !HttpToken.is(cookie)) {
            problems.at(field + ".cookie.name", "'" + cookie + "' is not a valid cookie name");
        }
        return new TokenLocation.Cookie(cookie);
    }

    private static String requiredName(ProblemSink problems, String field, GatewayConfig.NamedLocation named) {
        String name = named.name().map(String::strip).orElse("");
        if (name.isEmpty()) {
            problems.at(field, "is required");
        }
        return name;
    }

    private Optional<Keys> provider(ProblemSink problems, String routeName, ProviderConfig p) {
        int before = problems.count();
        String iss = p.issuer().map(String::strip).orElse("");
        if (iss.isEmpty()) {
            problems.at(in(p.field(), "issuer"), "is required");
        }
        Set<String> auds = new LinkedHashSet<>(p.audiences().orElse(List.of()));
        if (auds.stream().anyMatch(String::isBlank)) {
            problems.at(in(p.field(), "audiences"), "must not contain an empty value");
        }
        if (p.jwks().isEmpty()) {
            problems.at(in(p.field(), "jwks"), "is required (file, url or inline)");
            return Optional.empty();
        }
        if (problems.count() != before) {
            return Optional.empty();
        }
        return keys(problems, routeName, in(p.field(), "jwks"), iss, auds, p.jwks().get());
    }

    private Optional<Keys> keys(ProblemSink problems, String routeName, String field, String issuer, Set<String> audiences,
            GatewayConfig.Jwks jwks) {
        int given = (jwks.file().isPresent() ? 1 : 0) + (jwks.url().isPresent() ? 1 : 0) + (jwks.inline().isPresent() ? 1 : 0);
        if (given != 1) {
            problems.at(field, "needs exactly one of file, url or inline (found " + given + ")");
            return Optional.empty();
        }
        if (jwks.url().isPresent()) {
            return remote(problems, routeName, field, issuer, audiences, jwks);
        }
        if (jwks.timeout().isPresent()) {
            problems.at(field + ".timeout", "applies to url only");
        }
        String document;
        String source;
        if (jwks.file().isPresent()) {
            source = field + ".file";
            Path path = Path.of(jwks.file().get());
            try {
                document = Files.readString(path);
            } catch (IOException | RuntimeException e) {
                problems.at(source, "cannot read '" + jwks.file().get() + "' (resolved to " + path.toAbsolutePath() + "): "
                        + e.getClass().getSimpleName());
                return Optional.empty();
            }
        } else {
            source = field + ".inline";
            document = jwks.inline().get();
        }
        try {
            JwksSource fixed = JwksSource.fixed(KeySetParser.parse(document));
            return Optional.of(new Keys(new TokenVerifier.ProviderSpec(issuer, audiences, fixed), Duration.ZERO));
        } catch (IllegalArgumentException e) {
            problems.at(source, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Keys> remote(ProblemSink problems, String routeName, String field, String issuer, Set<String> audiences,
            GatewayConfig.Jwks jwks) {
        String text = jwks.url().get().strip();
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            problems.at(field + ".url", "'" + text + "' is not a URL");
            return Optional.empty();
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || url.getHost() == null) {
            problems.at(field + ".url", "'" + text + "' is not an http(s) URL");
            return Optional.empty();
        }
        Duration timeout = jwks.timeout().map(t -> Durations.field(problems, field + ".timeout", t, DEFAULT_JWKS_TIMEOUT))
                .orElse(DEFAULT_JWKS_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            problems.at(field + ".timeout", "must be greater than zero");
            return Optional.empty();
        }
        try {
            JwksSource source = JwksSources.remote(url, timeout, fetcher.get(), "route '" + routeName + "' issuer " + issuer);
            started.add(source);
            return Optional.of(new Keys(new TokenVerifier.ProviderSpec(issuer, audiences, source), timeout));
        } catch (IllegalArgumentException e) {
            problems.at(field + ".url", e.getMessage());
            return Optional.empty();
        }
    }

    /** {@code child} under {@code parent}, which is empty for the policy itself. */
    private static String in(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }
}
