package dev.edgeproxy.trace;

import io.opentelemetry.api.common.AttributeKey;

/**
 * The attributes the proxy puts on its spans and events (docs/operations.md#tracing): OpenTelemetry's semantic
 * convention names where one fits, {@code edgeproxy.*} for the rest. None carries a credential, a cookie, the
 * query or a claim other than {@code sub}: tests read every exported attribute to hold that.
 */
final class TraceAttributes {

    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> ENDUSER_ID = AttributeKey.stringKey("enduser.id");

    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("edgeproxy.route");
    static final AttributeKey<String> BACKEND = AttributeKey.stringKey("edgeproxy.backend");
    static final AttributeKey<String> AUTH_OUTCOME = AttributeKey.stringKey("edgeproxy.auth.outcome");
    static final AttributeKey<String> AUTH_REASON = AttributeKey.stringKey("edgeproxy.auth.reason");
    static final AttributeKey<String> AUTH_PROVIDER = AttributeKey.stringKey("edgeproxy.auth.provider");
    static final AttributeKey<Boolean> AUTH_CACHE_HIT = AttributeKey.booleanKey("edgeproxy.auth.cache_hit");
    static final AttributeKey<String> AUTHZ_DECISION = AttributeKey.stringKey("edgeproxy.authz.decision");
    static final AttributeKey<Long> AUTHZ_STEP = AttributeKey.longKey("edgeproxy.authz.step");
    static final AttributeKey<String> AUTHZ_RULE_KIND = AttributeKey.stringKey("edgeproxy.authz.rule.kind");
    static final AttributeKey<Long> AUTHZ_RULE_INDEX = AttributeKey.longKey("edgeproxy.authz.rule.index");

    private TraceAttributes() {
    }
}
