package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.jwt.AuthFailure;
import dev.edgeproxy.jwt.Authentication;
import dev.edgeproxy.jwt.Identity;
import dev.edgeproxy.jwt.JwtAuthenticator;
import dev.edgeproxy.jwt.JwtMode;
import dev.edgeproxy.jwt.TokenLocation;
import dev.edgeproxy.jwt.TokenVerifier;
import dev.edgeproxy.testing.HeaderCarrier;
import dev.edgeproxy.testing.JwksServer;
import dev.edgeproxy.testing.TestKeys;
import dev.edgeproxy.testing.Tokens;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Remote JWKS ({@code jwks.url}) against a real HTTP server: the first load, rotation through the
 * unknown-kid refetch and its rate limit, keeping the last good keys when the server fails, the bound
 * on how long a request waits, the refresh interval from the response headers, and that a refetch never
 * blocks the Vert.x event loop that asked for it.
 *
 * <p>Timing is only ever asserted as a generous upper bound that guards against hangs.
 */
class RemoteJwksTest {

    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "orders-api";
    private static final String KID_1 = "key-2026-01";
    private static final String KID_2 = "key-2026-02";
    private static final String UNKNOWN_KID = "key-never-published";
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** The bound for anything that should end on its own: the timeout plus generous slack. */
    private static final long BOUND_MILLIS = TIMEOUT.toMillis() + 3_000;

    private static final KeyPair KEY_1 = TestKeys.ecP256();
    private static final KeyPair KEY_2 = TestKeys.ecP256();
    private static final KeyPair STRANGER = TestKeys.ecP256();

    private JwksFetcher fetcher;
    private JwksServer server;
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fetcher = new JwksFetcher(1024 * 1024); // the default of gateway.limits.jwksMaxBytes
        server = new JwksServer(TestKeys.jwks(KEY_1.getPublic(), KID_1));
    }

    @AfterEach
    void tearDown() throws Exception {
        fetcher.close();
        server.close();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    // ---------------------------------------------------------------- first load

    @Test
    void firstLoadFetchesOnceAndVerifies() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);

        assertEquals(1, server.hits());
        assertEquals(List.of(JwksServer.JWKS_PATH), server.paths());
        assertAccepted(auth, token(KEY_1, KID_1));
        assertAccepted(auth, token(KEY_1, KID_1));
        assertEquals(1, server.hits(), "known keys are served from the cache");
        // A token with a known kid but the wrong key is not a reason to fetch again.
        assertRejected(auth, token(STRANGER, KID_1), AuthFailure.BAD_SIGNATURE);
        assertEquals(1, server.hits());
    }

    @Test
    void firstLoadFailsOnHttp500() {
        server.answer500();
        assertFirstLoadFails(server.url(), "HTTP 500");
    }

    @Test
    void firstLoadFailsOnGarbage() {
        server.serveGarbage();
        assertFirstLoadFails(server.url(), "not valid JWKS JSON");
    }

    @Test
    void firstLoadFailsOnJsonWithoutKeys() {
        server.serveJsonWithoutKeys();
        assertFirstLoadFails(server.url(), "no \"keys\" member");
    }

    @Test
    void firstLoadFailsOnAnEmptyKeySet() {
        server.serve("{\"keys\":[]}");
        assertFirstLoadFails(server.url(), "no signature verification keys");
    }

    @Test
    void firstLoadFailsWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertFirstLoadFails(URI.create("http://127.0.0.1:" + port + "/jwks.json"), "ConnectException");
    }

    @Test
    void firstLoadFailsWhenTheServerIsTooSlow() {
        server.delay(TIMEOUT.plusSeconds(5));
        assertFirstLoadFails(server.url(), "timed out");
        assertEquals(1, server.hits());
    }

    // ---------------------------------------------------------------- rotation and unknown kid

    @Test
    void rotatedKeyIsPickedUpByTheRefetchItsFirstTokenTriggers() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        assertAccepted(auth, token(KEY_1, KID_1));

        server.serve(TestKeys.jwks(KEY_2.getPublic(), KID_2)); // the IdP rotated: key 1 is gone
        assertAccepted(auth, token(KEY_2, KID_2));
        assertEquals(2, server.hits(), "exactly one refetch");

        assertAccepted(auth, token(KEY_2, KID_2));
        assertEquals(2, server.hits(), "the new key is cached");
        // The old key left with the new document; asking again within 10 s does not fetch.
        assertRejected(auth, token(KEY_1, KID_1), AuthFailure.UNKNOWN_KEY);
        assertEquals(2, server.hits());
    }

    @Test
    void aFloodOfUnknownKidsCausesOneFetch() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT.plusSeconds(2));
        server.delay(Duration.ofMillis(500)); // keep the refetch in flight while the flood arrives

        int threads = 8;
        int tokens = 50;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        closeAfter.add(pool::shutdownNow);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<CompletableFuture<Authentication>>> calls = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            String token = token(STRANGER, UNKNOWN_KID);
            calls.add(CompletableFuture.supplyAsync(() -> {
                awaitLatch(go);
                return authenticate(auth, token);
            }, pool));
        }
        go.countDown();
        for (CompletableFuture<CompletableFuture<Authentication>> call : calls) {
            assertRejected(call.get(5, TimeUnit.SECONDS), AuthFailure.UNKNOWN_KEY);
        }
        assertEquals(2, server.hits(), "50 concurrent unknown kids share one refetch");

        // More within the 10 s interval fetch nothing and are rejected at once.
        for (int i = 0; i < 20; i++) {
            CompletableFuture<Authentication> result = authenticate(auth, token(STRANGER, UNKNOWN_KID + i));
            assertTrue(result.isDone(), "no refetch is waited for within the interval");
            assertRejected(result, AuthFailure.UNKNOWN_KEY);
        }
        assertEquals(2, server.hits());
        // The known key still works throughout.
        assertAccepted(auth, token(KEY_1, KID_1));
    }

    @Test
    void serverDownKeepsCachedKeysAndRejectsUnknownKidWithoutHanging() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        server.stop();

        for (int i = 0; i < 3; i++) {
            assertAccepted(auth, token(KEY_1, KID_1));
        }
        CompletableFuture<Authentication> unknown = authenticate(auth, token(KEY_2, KID_2));
        assertRejected(unknown, AuthFailure.UNKNOWN_KEY, BOUND_MILLIS);
        assertAccepted(auth, token(KEY_1, KID_1));
        assertEquals(1, server.hits());

        // The same server comes back on the same port (the helper itself).
        server.start();
        HttpResponse<String> again = get(server.url());
        assertEquals(200, again.statusCode());
        assertEquals(2, server.hits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"not-json", "json-without-keys", "empty-keys"})
    void garbageOnRefetchKeepsTheGoodKeys(String garbage) throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        switch (garbage) {
            case "not-json" -> server.serveGarbage();
            case "json-without-keys" -> server.serveJsonWithoutKeys();
            default -> server.serve("{\"keys\":[]}");
        }

        assertRejected(auth, token(KEY_2, KID_2), AuthFailure.UNKNOWN_KEY);
        assertEquals(2, server.hits(), "the unknown kid did trigger a refetch");
        assertAccepted(auth, token(KEY_1, KID_1));
    }

    @Test
    void http500OnRefetchKeepsTheGoodKeys() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        server.answer500();

        assertRejected(auth, token(KEY_2, KID_2), AuthFailure.UNKNOWN_KEY);
        assertEquals(2, server.hits(), "the unknown kid did trigger a refetch");
        assertAccepted(auth, token(KEY_1, KID_1));
    }

    @Test
    void aSlowServerMakesAnUnknownKidWaitAtMostAboutTheTimeout() throws Exception {
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        server.delay(Duration.ofSeconds(30)).serve(TestKeys.jwks(KEY_2.getPublic(), KID_2));

        CompletableFuture<Authentication> unknown = authenticate(auth, token(KEY_2, KID_2));
        // While that refetch hangs, a token with a known key is answered at once.
        CompletableFuture<Authentication> known = authenticate(auth, token(KEY_1, KID_1));
        assertTrue(known.isDone(), "a known key never waits for a refetch");
        assertTrue(known.get().verified());

        assertRejected(unknown, AuthFailure.UNKNOWN_KEY, BOUND_MILLIS);
        assertEquals(2, server.hits());
        assertAccepted(auth, token(KEY_1, KID_1));
    }

    @Test
    void aRefetchStartedOnAnEventLoopDoesNotBlockIt() throws Exception {
        Vertx vertx = Vertx.vertx();
        closeAfter.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        Context context = vertx.getOrCreateContext();
        JwtAuthenticator auth = authenticator(server.url(), Duration.ofSeconds(5));
        server.delay(Duration.ofSeconds(2))
                .serve(TestKeys.jwks(TestKeys.jwk(KEY_1.getPublic(), KID_1, null), TestKeys.jwk(KEY_2.getPublic(), KID_2, null)));
        String rotated = token(KEY_2, KID_2);

        CompletableFuture<CompletableFuture<Authentication>> started = new CompletableFuture<>();
        CompletableFuture<Boolean> secondTaskSawRefetchDone = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (!Context.isOnEventLoopThread()) {
                started.completeExceptionally(new AssertionError("not on an event loop: " + Thread.currentThread()));
                return;
            }
            started.complete(authenticate(auth, rotated));
        });
        context.runOnContext(v -> started.thenAccept(f -> secondTaskSawRefetchDone.complete(f.isDone())));

        CompletableFuture<Authentication> refetching = started.get(5, TimeUnit.SECONDS);
        assertFalse(secondTaskSawRefetchDone.get(5, TimeUnit.SECONDS),
                "the event loop ran the next task only after the refetch: the refetch blocked it");
        assertTrue(refetching.get(5, TimeUnit.SECONDS).verified(), "the rotated key passes after the refetch");
        assertEquals(2, server.hits());
    }

    @Test
    void aShortMaxAgeDoesNotMakeTheSourcePoll() throws Exception {
        server.cacheControl("max-age=0");
        JwtAuthenticator auth = authenticator(server.url(), TIMEOUT);
        Thread.sleep(1_500);
        assertEquals(1, server.hits(), "refreshes are never sooner than 60 s");
        assertAccepted(auth, token(KEY_1, KID_1));
    }

    // ---------------------------------------------------------------- refresh interval

    @Test
    void refreshAfterMaxAge() throws Exception {
        assertEquals(Duration.ofSeconds(120), refreshAfter(s -> s.cacheControl("max-age=120")));
        assertEquals(Duration.ofSeconds(300), refreshAfter(s -> s.cacheControl("public, max-age=300, must-revalidate")));
        assertEquals(Duration.ofSeconds(300), refreshAfter(s -> s.cacheControl("s-maxage=30, max-age=300")));
        assertEquals(Duration.ofSeconds(120), refreshAfter(s -> s.cacheControl("Max-Age=120")));
    }

    @Test
    void refreshAfterAShortMaxAgeIsClampedToOneMinute() throws Exception {
        assertEquals(Duration.ofSeconds(60), refreshAfter(s -> s.cacheControl("max-age=5")));
        assertEquals(Duration.ofSeconds(60), refreshAfter(s -> s.cacheControl("max-age=0")));
    }

    @Test
    void refreshAfterWithoutHeadersIsFifteenMinutes() throws Exception {
        assertEquals(Duration.ofMinutes(15), refreshAfter(s -> { }));
        assertEquals(Duration.ofMinutes(15), refreshAfter(s -> s.cacheControl("no-transform")));
    }

    @Test
    void refreshAfterExpiresInTenMinutes() throws Exception {
        String inTenMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(10));
        Duration after = refreshAfter(s -> s.expires(inTenMinutes));
        assertTrue(after.compareTo(Duration.ofSeconds(590)) >= 0 && after.compareTo(Duration.ofMinutes(10)) <= 0,
                "about 10 minutes: " + after);
    }

    @Test
    void refreshAfterPrefersMaxAgeOverExpires() throws Exception {
        String inTenMinutes = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusMinutes(10));
        assertEquals(Duration.ofSeconds(120), refreshAfter(s -> s.expires(inTenMinutes).cacheControl("max-age=120")));
    }

    @Test
    void refreshAfterAnInvalidOrPastExpiresIsOneMinute() throws Exception {
        assertEquals(Duration.ofSeconds(60), refreshAfter(s -> s.expires("not a date")));
        assertEquals(Duration.ofSeconds(60), refreshAfter(s -> s.expires("0")));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));
        assertEquals(Duration.ofSeconds(60), refreshAfter(s -> s.expires(past)));
    }

    @Test
    void refreshAfterAHugeMaxAgeIsCappedAtOneDay() throws Exception {
        assertEquals(Duration.ofHours(24), refreshAfter(s -> s.cacheControl("max-age=31536000")));
        assertEquals(Duration.ofHours(24), refreshAfter(s -> s.cacheControl("max-age=" + Long.MAX_VALUE)));
        assertEquals(Duration.ofHours(24), refreshAfter(s -> s.cacheControl("max-age=99999999999999999999999")));
    }

    // ---------------------------------------------------------------- helpers

    private JwtAuthenticator authenticator(URI url, Duration timeout) {
        JwksSource source = JwksSources.remote(url, timeout, fetcher, "test route");
        TokenVerifier verifier = TokenVerifier.create(
                List.of(new TokenVerifier.ProviderSpec(ISSUER, Set.of(AUDIENCE), source)), Duration.ofSeconds(60));
        return new JwtAuthenticator("route", JwtMode.STRICT, TokenLocation.DEFAULT, verifier, timeout);
    }

    private void assertFirstLoadFails(URI url, String reason) {
        IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofMillis(BOUND_MILLIS),
                () -> assertThrows(IllegalArgumentException.class,
                        () -> JwksSources.remote(url, TIMEOUT, fetcher, "test route")));
        assertTrue(e.getMessage().contains(url.toString()), "names the URL: " + e.getMessage());
        assertTrue(e.getMessage().contains(reason), "names the reason '" + reason + "': " + e.getMessage());
    }

    private static String token(KeyPair key, String kid) {
        return Tokens.sign(key.getPrivate(), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, kid,
                Tokens.claims(ISSUER, AUDIENCE));
    }

    private static CompletableFuture<Authentication> authenticate(JwtAuthenticator auth, String token) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token);
        return auth.authenticate(HeaderCarrier.of(headers)).toCompletableFuture();
    }

    private static void assertAccepted(JwtAuthenticator auth, String token) throws Exception {
        Authentication outcome = authenticate(auth, token).get(5, TimeUnit.SECONDS);
        assertTrue(outcome.verified(), () -> "not verified: " + outcome.failure());
        Identity identity = outcome.identity();
        assertEquals("alice", identity.claims().get("sub"));
    }

    private static void assertRejected(JwtAuthenticator auth, String token, AuthFailure reason) {
        assertRejected(authenticate(auth, token), reason);
    }

    private static void assertRejected(CompletableFuture<Authentication> result, AuthFailure reason) {
        assertRejected(result, reason, 5_000);
    }

    private static void assertRejected(CompletableFuture<Authentication> result, AuthFailure reason, long boundMillis) {
        Authentication rejected = assertDoesNotThrow(() -> result.get(boundMillis, TimeUnit.MILLISECONDS));
        assertTrue(rejected.refused(), () -> "not refused: " + rejected);
        assertEquals(reason, rejected.failure());
        assertTrue(rejected.tokenPresented());
    }

    private Duration refreshAfter(Consumer<JwksServer> headers) throws Exception {
        server.cacheControl(null).expires(null);
        headers.accept(server);
        return RemoteJwks.refreshAfter(get(server.url()));
    }

    private static HttpResponse<String> get(URI url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("start signal never came");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
