package dev.edgeproxy.config;

import java.util.List;
import java.util.Optional;

/**
 * The configuration in force while the built-in sample runs: the sample's routes and its demo upstream,
 * and everything else (limits, canonicalisation, access log, ...) as the user configured it, so that
 * {@code -Dgateway.limits.maxRequestBody=1M} means the same with the sample as with one's own routes.
 * A member added to {@link GatewayConfig} must be placed here on purpose: it does not compile otherwise.
 */
public final class SampleRoutes implements GatewayConfig {

    private final GatewayConfig sample;
    private final GatewayConfig configured;

    public SampleRoutes(GatewayConfig sample, GatewayConfig configured) {
        this.sample = sample;
        this.configured = configured;
    }

    @Override
    public Optional<List<Route>> routes() {
        return sample.routes();
    }

    @Override
    public Demo demo() {
        return sample.demo();
    }

    @Override
    public RequestTarget requestTarget() {
        return configured.requestTarget();
    }

    @Override
    public List<String> untrustedHeaders() {
        return configured.untrustedHeaders();
    }

    @Override
    public Limits limits() {
        return configured.limits();
    }

    @Override
    public Listener listener() {
        return configured.listener();
    }

    @Override
    public Sample sample() {
        return configured.sample();
    }

    @Override
    public Explain explain() {
        return configured.explain();
    }

    @Override
    public Reload reload() {
        return configured.reload();
    }

    @Override
    public AccessLog accessLog() {
        return configured.accessLog();
    }
}
