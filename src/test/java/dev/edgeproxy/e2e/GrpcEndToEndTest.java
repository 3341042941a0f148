package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.OnContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * gRPC through the proxy (docs/reference.md#grpc): a raw HTTP/2 gRPC client (prior knowledge) calls a real gRPC
 * origin behind strict-JWT routes, over h2c ({@code /h2c.Echo}) and over TLS with ALPN ({@code /tls.Echo}).
 * Unary and server-streaming calls arrive with their trailers; the proxy's own refusals are gRPC-shaped.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GrpcEndToEndTest {

    @InjectGateway
    GatewayFixture gateway;

    private static Vertx vertx;
    private static HttpClient client;

    /** What a gRPC client reads of a call. */
    record Call(int httpStatus, MultiMap headers, List<String> messages, MultiMap trailers) {

        /** gRPC takes the status from the trailers, or from the headers of a trailers-only answer. */
        String grpcStatus() {
            String s = trailers.get("grpc-status");
            return s != null ? s : headers.get("grpc-status");
        }

        String grpcMessage() {
            String s = trailers.get("grpc-message");
            return s != null ? s : headers.get("grpc-message");
        }
    }

    @BeforeAll
    static void client() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setHttp2ClearTextUpgrade(false));
    }

    @AfterAll
    static void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static Call call(String path, String token, String message) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setHost("localhost").setPort(RestAssured.port).setURI(path)
                .putHeader("content-type", "application/grpc")
                .putHeader("te", "trailers");
        if (token != null) {
            options.putHeader("authorization", "Bearer " + token);
        }
        Buffer body = message == null ? Buffer.buffer() : GrpcUpstream.frame(message);
        return OnContext.await(vertx, Duration.ofSeconds(20), () -> client.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(b -> new Call(response.statusCode(), response.headers(),
                        GrpcUpstream.decode(b), response.trailers()))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/h2c.Echo", "/tls.Echo"})
    void unaryCallPassesWithItsTrailers(String service) throws Exception {
        Call call = call(service + "/Unary", gateway.token("grpc-user", "grpc"), "world");
        assertEquals(200, call.httpStatus());
        assertEquals(List.of("hello world"), call.messages());
        assertEquals("0", call.trailers().get("grpc-status"));
        // The origin got te: trailers and the route's verified identity.
        assertEquals("trailers", call.headers().get("x-saw-te"));
        assertEquals("grpc-user", call.headers().get("x-saw-user"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/h2c.Echo", "/tls.Echo"})
    void serverStreamingCallPassesEveryMessage(String service) throws Exception {
        Call call = call(service + "/Stream", gateway.token("grpc-user", "grpc"), "5");
        assertEquals(List.of("item 0", "item 1", "item 2", "item 3", "item 4"), call.messages());
        assertEquals("0", call.grpcStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/h2c.Echo", "/tls.Echo"})
    void failedCallKeepsItsStatusAndMessage(String service) throws Exception {
        Call call = call(service + "/Fail", gateway.token("grpc-user", "grpc"), "x");
        assertEquals(200, call.httpStatus());
        assertEquals("9", call.grpcStatus());
        assertEquals(GrpcUpstream.FAIL_MESSAGE, call.grpcMessage());
    }

    @Test
    void noTokenIsUnauthenticated16() throws Exception {
        Call call = call("/h2c.Echo/Unary", null, "world");
        assertEquals(200, call.httpStatus());
        assertEquals("application/grpc", call.headers().get("content-type"));
        assertEquals("16", call.grpcStatus());
        assertEquals("authentication failure: missing token", call.grpcMessage());
        // The HTTP answer's own headers stay: the bearer challenge.
        assertEquals("Bearer realm=\"grpc-h2c\"", call.headers().get("www-authenticate"));
        assertEquals(List.of(), call.messages());
    }

    @Test
    void deniedByTheRulesIsPermissionDenied7() throws Exception {
        Call call = call("/tls.Echo/Unary", gateway.token("someone", "other"), "world");
        assertEquals(200, call.httpStatus());
        assertEquals("7", call.grpcStatus());
        assertEquals("authorization failed", call.grpcMessage());
    }

    @Test
    void noRouteIsNotFound5() throws Exception {
        Call call = call("/nowhere.Svc/Method", null, "x");
        assertEquals(200, call.httpStatus());
        assertEquals("5", call.grpcStatus());
        assertEquals("route not found", call.grpcMessage());
    }

    @Test
    void deadOriginIsUnavailable14() throws Exception {
        Call call = call("/dead/Svc/Method", null, "x");
        assertEquals(200, call.httpStatus());
        assertEquals("14", call.grpcStatus());
        assertEquals("bad gateway", call.grpcMessage());
    }
}
