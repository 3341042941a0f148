package dev.edgeproxy.e2e.limits;

import dev.edgeproxy.e2e.EchoUpstream;
import dev.edgeproxy.e2e.InjectGateway;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The limits of the origin client: a full wait queue answers 503, and a connect timeout bounds an
 * origin that never accepts. The profile allows one connection per origin, one waiting request and
 * a 1 s connect timeout.
 */
@QuarkusTest
@TestProfile(UpstreamLimitsProfile.class)
class UpstreamLimitsTest {

    @InjectGateway
    EchoUpstream upstream;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void fullWaitQueueAnswers503() throws Exception {
        // The first request takes the only connection (its origin never answers; the route gives up after 2 s).
        CompletableFuture<HttpResponse<String>> first = get("/slow/hang");
        awaitOriginSaw("/slow/hang");
        // Of the next two, one waits for that connection and one finds the queue full.
        List<CompletableFuture<HttpResponse<String>>> more = new ArrayList<>(List.of(get("/slow/hang"), get("/slow/hang")));
        List<Integer> statuses = new ArrayList<>();
        statuses.add(first.join().statusCode());
        HttpResponse<String> busy = null;
        for (CompletableFuture<HttpResponse<String>> f : more) {
            HttpResponse<String> r = f.join();
            statuses.add(r.statusCode());
            if (r.statusCode() == 503) {
                busy = r;
            }
        }
        statuses.sort(null);
        // The waiting one got the connection once the first one's timeout freed it: a 504 of its own.
        assertEquals(List.of(503, 504, 504), statuses);
        assertEquals("text/plain", busy.headers().firstValue("content-type").orElse(""));
        assertEquals("upstream busy", busy.body());
    }

    @Test
    void originThatNeverAcceptsIs502AfterTheConnectTimeout() {
        // The route's request timeout is 30 s: without the 1 s connect timeout this would be a 504.
        given().get("/blackhole/x").then()
                .statusCode(502)
                .contentType("text/plain")
                .body(equalTo("bad gateway"));
    }

    private CompletableFuture<HttpResponse<String>> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(30))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private void awaitOriginSaw(String path) throws InterruptedException {
        long before = upstream.paths().stream().filter(path::equals).count();
        for (int i = 0; i < 100; i++) {
            if (upstream.paths().stream().filter(path::equals).count() > before) {
                return;
            }
            Thread.sleep(50);
        }
        fail("the origin never received " + path);
    }
}
