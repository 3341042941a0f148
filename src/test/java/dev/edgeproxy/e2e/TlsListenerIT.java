package dev.edgeproxy.e2e;

import dev.edgeproxy.testing.H2Wire;
import dev.edgeproxy.testing.OnContext;
import dev.edgeproxy.testing.PackagedApp;
import dev.edgeproxy.testing.RawH2;
import dev.edgeproxy.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The proxy as a TLS endpoint, on the packaged application (the jar, or the native binary under {@code -Dnative})
 * started with nothing but Quarkus' standard TLS properties: two certificates chosen by SNI, HTTP/1.1 and HTTP/2
 * through ALPN, client certificates read by a CEL rule, {@code X-Forwarded-Proto: https} at the origin, a
 * certificate rotated by a Kubernetes-style symlink swap while requests flow, failed handshakes counted, and the
 * management interface still plain HTTP. Everything is real: a CA and certificates made here (BouncyCastle), the
 * proxy process, an echo origin and TLS clients.
 */
class TlsListenerIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CLIENT_ONE = "CN=client-one,O=edge-proxy test";

    private static TestCertificates pki;
    private static Path dir;
    private static Path secret;
    private static EchoUpstream origin;
    private static PackagedApp app;
    private static int httpPort;
    private static int httpsPort;
    private static int managementPort;
    private static Vertx vertx;
    private static final java.net.http.HttpClient PLAIN = java.net.http.HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(PackagedApp.exists(), "no packaged application at " + PackagedApp.APP.toAbsolutePath() + "; run ./mvnw verify");
        pki = TestCertificates.authority("edge-proxy test CA");
        dir = Files.createTempDirectory("tls-listener-it");
        // a.example lives in a directory laid out as Kubernetes mounts a Secret: files are symlinks through
        // ..data, which is swapped to a new timestamped directory on update.
        secret = dir.resolve("secret");
        Files.createDirectories(secret);
        pki.server("a.example").write(secret.resolve("..v1"), "tls");
        Files.createSymbolicLink(secret.resolve("..data"), Path.of("..v1"));
        Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data", "tls.crt"));
        Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data", "tls.key"));
        Path b = pki.server("b.example").write(dir, "b");
        Path ca = pki.ca().write(dir, "ca");

        origin = new EchoUpstream();
        Path config = Files.writeString(dir.resolve("gateway.yaml"), """
                gateway:
                  routes:
                    - name: mtls
                      matches:
                        - path: {pathPrefix: /mtls}
                      backends: [{host: "127.0.0.1:%1$d"}]
                      policies:
                        authorization:
                          rules:
                            - allow: 'source.certificate.subject == "%2$s" && "spiffe://test/one" in source.certificate.uris'
                    - name: secure
                      matches:
                        - path: {pathPrefix: /secure}
                      backends: [{host: "127.0.0.1:%1$d"}]
                      policies:
                        authorization:
                          rules:
                            - allow: 'request.scheme == "https"'
                    - name: open
                      backends: [{host: "127.0.0.1:%1$d"}]
                """.formatted(origin.port(), CLIENT_ONE));
        httpPort = PackagedApp.freePort();
        httpsPort = PackagedApp.freePort();
        managementPort = PackagedApp.freePort();
        List<String> dataPath = GatewayTestResource.NETTY_DATA_PATH
                ? List.of("gateway.listener.dataPath=netty", "quarkus.http.host-enabled=false") : List.of();
        app = PackagedApp.start(java.util.stream.Stream.concat(dataPath.stream(), Stream.of(
                "quarkus.config.locations=" + config,
                "quarkus.http.port=" + httpPort,
                "quarkus.http.ssl-port=" + httpsPort,
                "quarkus.management.port=" + managementPort,
                "quarkus.tls.key-store.pem.a.cert=" + secret.resolve("tls.crt"),
                "quarkus.tls.key-store.pem.a.key=" + secret.resolve("tls.key"),
                "quarkus.tls.key-store.pem.b.cert=" + b,
                "quarkus.tls.key-store.pem.b.key=" + dir.resolve("b.key"),
                "quarkus.tls.key-store.sni=true",
                "quarkus.tls.trust-store.pem.certs=" + ca,
                "gateway.listener.clientAuth=request",
                "gateway.listener.certificateReload=1s")).toList());
        assertTrue(app.awaitOutput("Listening on", WAIT), () -> "did not start:\n" + app.output());
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (app != null) {
            app.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    /** A TLS client trusting the test CA, speaking {@code version} (ALPN offered either way), with an optional client certificate. */
    private static HttpClient client(HttpVersion version, TestCertificates.Issued clientCertificate) {
        HttpClientOptions options = new HttpClientOptions()
                .setSsl(true)
                .setUseAlpn(true)
                .setProtocolVersion(version)
                .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())));
        if (clientCertificate != null) {
            options.setKeyCertOptions(clientCertificate.keyCertOptions());
        }
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1));
    }

    record Answer(int status, HttpVersion version, String body) {
    }

    /** GET {@code path} at {@code https://<host>:<httpsPort>}, connecting to 127.0.0.1 with SNI {@code host}. */
    private static Answer get(HttpClient client, String host, String path) throws Exception {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setServer(SocketAddress.inetSocketAddress(httpsPort, "127.0.0.1"))
                .setHost(host).setPort(httpsPort).setURI(path);
        return OnContext.await(vertx, Duration.ofSeconds(20), () -> client.request(request)
                .compose(r -> r.send().compose(response -> response.body()
                        .map(body -> new Answer(response.statusCode(), response.version(), body.toString())))));
    }

    /** The certificate the listener serves to a new connection naming {@code serverName}. */
    private static X509Certificate served(String serverName) throws Exception {
        try (SSLSocket socket = (SSLSocket) trustingCa().getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static SSLContext trustingCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    private static String forwardedProto(String echoBody) {
        Matcher m = Pattern.compile("\"x-forwarded-proto\"\\s*:\\s*\\[\\s*\"([^\"]*)\"").matcher(echoBody);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void theStartupLogNamesTheEngineThatServesTls() {
        // The JVM build ships BoringSSL (netty-tcnative) for Linux x86-64; the native image has the JDK's engine.
        String expected = PackagedApp.NATIVE || !"amd64".equals(System.getProperty("os.arch"))
                ? "HTTPS listener: TLS by the JDK (netty-tcnative is not available)"
                : "HTTPS listener: TLS by OpenSSL (BoringSSL";
        assertTrue(app.output().contains(expected), () -> "expected '" + expected + "' in:\n" + app.output());
        String dataPath = ":" + httpsPort + " (https) served by the Netty data path";
        assertEquals(GatewayTestResource.NETTY_DATA_PATH, app.output().contains(dataPath), app::output);
    }

    @Test
    @Tag("http2")
    void http2AndHttp11ThroughAlpnWithForwardedProtoHttps() throws Exception {
        HttpClient h2 = client(HttpVersion.HTTP_2, null);
        Answer viaH2 = get(h2, "a.example", "/open/x");
        assertEquals(200, viaH2.status(), viaH2::body);
        assertEquals(HttpVersion.HTTP_2, viaH2.version(), "ALPN negotiated h2");
        assertEquals("https", forwardedProto(viaH2.body()), viaH2::body);

        HttpClient h1 = client(HttpVersion.HTTP_1_1, null);
        Answer viaH1 = get(h1, "a.example", "/open/y");
        assertEquals(200, viaH1.status(), viaH1::body);
        assertEquals(HttpVersion.HTTP_1_1, viaH1.version(), "ALPN negotiated http/1.1");
        assertEquals("https", forwardedProto(viaH1.body()), viaH1::body);
    }

    /** The HTTP/2 seam over TLS (ALPN h2), with raw frames: Http2AttackEndToEndTest's rows that depend on TLS. */
    @Test
    @Tag("http2")
    void http2OverTlsRefusesInvalidFieldsAndKeepsTheListenersScheme() {
        try (RawH2 h2 = RawH2.connectTls(httpsPort, "a.example", Map.of())) {
            assertEquals(100L, h2.serverSettings().get(H2Wire.SETTINGS_MAX_CONCURRENT_STREAMS));
            assertEquals(16384L, h2.serverSettings().get(H2Wire.SETTINGS_MAX_HEADER_LIST_SIZE));

            RawH2.Response injected = h2.exchange(RawH2.request("GET", "https", "a.example", "/open/tls-injected",
                    "x-a", "v\r\n Transfer-Encoding: chunked"), null);
            assertEquals(400, injected.status(), injected::toString);
            assertEquals("bad request: invalid header field", injected.bodyText());
            assertFalse(origin.paths().contains("/open/tls-injected"), "nothing reached the origin");

            // A client claiming :scheme http on TLS is still https to rules and to the origin.
            RawH2.Response claimed = h2.exchange(RawH2.request("GET", "http", "a.example", "/secure/claimed"), null);
            assertEquals(200, claimed.status(), claimed::bodyText);
            assertEquals("https", forwardedProto(claimed.bodyText()));
        }
    }

    @Test
    void requestSchemeIsHttpsOverTlsOnly() throws Exception {
        assertEquals(200, get(client(HttpVersion.HTTP_1_1, null), "a.example", "/secure").status());
        // The plain port still serves (quarkus.http.insecure-requests keeps its default), as http.
        var plain = PLAIN.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/secure"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(403, plain.statusCode(), plain::body);
    }

    @Test
    void sniChoosesTheCertificate() throws Exception {
        assertEquals("CN=a.example,O=edge-proxy test", served("a.example").getSubjectX500Principal().getName());
        assertEquals("CN=b.example,O=edge-proxy test", served("b.example").getSubjectX500Principal().getName());
        // And a client verifying the host name accepts each (hostname verification is on in Vert.x clients).
        assertEquals(200, get(client(HttpVersion.HTTP_2, null), "b.example", "/open/b").status());
    }

    @Test
    void aCelRuleReadsTheVerifiedClientCertificate() throws Exception {
        TestCertificates.Issued one = pki.client(CLIENT_ONE, "spiffe://test/one");
        TestCertificates.Issued two = pki.client("CN=client-two,O=edge-proxy test", "spiffe://test/two");
        assertEquals(200, get(client(HttpVersion.HTTP_2, one), "a.example", "/mtls/x").status());
        assertEquals(200, get(client(HttpVersion.HTTP_1_1, one), "a.example", "/mtls/x").status());
        assertEquals(403, get(client(HttpVersion.HTTP_2, two), "a.example", "/mtls/x").status());
        // Without a certificate source.certificate is empty: the rule cannot hold, the request is denied.
        assertEquals(403, get(client(HttpVersion.HTTP_2, null), "a.example", "/mtls/x").status());
        // A client holding only a certificate of another CA does not offer it (the server names its CA): no certificate.
        TestCertificates.Issued stranger = TestCertificates.authority("another CA").client(CLIENT_ONE, "spiffe://test/one");
        assertEquals(403, get(client(HttpVersion.HTTP_1_1, stranger), "a.example", "/mtls/x").status());
        // One that sends it anyway fails the handshake: clientAuth request still verifies what is sent.
        assertThrows(java.io.IOException.class, () -> sendingAnyway(stranger, "/mtls/x"));
    }

    /** An HTTP/1.1 request over a TLS client that presents {@code certificate} whatever CA the server asks for. */
    private static String sendingAnyway(TestCertificates.Issued certificate, String path) throws Exception {
        javax.net.ssl.X509ExtendedKeyManager presentAnyway = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return "client";
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return new X509Certificate[] {certificate.certificate()};
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String alias) {
                return certificate.key();
            }

            @Override
            public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
                return null;
            }
        };
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", pki.ca().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {presentAnyway}, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: a.example\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] answer = socket.getInputStream().readAllBytes();
            if (answer.length == 0) {
                throw new java.io.EOFException("closed without an answer");
            }
            return new String(answer, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void managementStaysPlainHttpAndCountsFailedHandshakes() throws Exception {
        var health = PLAIN.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/health/live"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health::body);

        double before = handshakeFailures();
        // A client that does not trust the served certificate aborts the handshake.
        try (SSLSocket socket = (SSLSocket) SSLContext.getDefault().getSocketFactory().createSocket("127.0.0.1", httpsPort)) {
            assertThrows(SSLException.class, socket::startHandshake);
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (handshakeFailures() <= before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(handshakeFailures() > before, "edgeproxy_tls_handshake_failures_total did not grow");
        for (String line : app.output().lines().toList()) {
            assertFalse(line.contains("WARN") && line.toLowerCase().contains("handshake"), line);
        }
    }

    private static double handshakeFailures() throws Exception {
        var metrics = PLAIN.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("(?m)^edgeproxy_tls_handshake_failures_total\\S* (\\S+)$").matcher(metrics.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void aRotatedCertificateIsServedWithoutRestartAndWithoutFailedRequests() throws Exception {
        X509Certificate old = served("a.example");
        // Requests keep flowing: one long-lived HTTP/2 connection and one HTTP/1.1 keep-alive connection.
        HttpClient h2 = client(HttpVersion.HTTP_2, null);
        HttpClient h1 = client(HttpVersion.HTTP_1_1, null);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> load = new ArrayList<>();
        for (HttpClient c : List.of(h2, h1)) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try {
                        Answer a = get(c, "a.example", "/open/rotating");
                        if (a.status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add("status " + a.status());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "rotation-load");
            t.start();
            load.add(t);
        }
        try {
            // The Kubernetes way: new files in a new directory, then ..data swapped atomically.
            TestCertificates.Issued renewed = pki.server("a.example");
            renewed.write(secret.resolve("..v2"), "tls");
            Path link = secret.resolve("..data.tmp");
            Files.createSymbolicLink(link, Path.of("..v2"));
            Files.move(link, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

            AtomicReference<X509Certificate> now = new AtomicReference<>(old);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                now.set(served("a.example"));
                if (!now.get().getSerialNumber().equals(old.getSerialNumber())) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(renewed.certificate().getSerialNumber(), now.get().getSerialNumber(),
                    () -> "the renewed certificate is not served:\n" + app.output());
            // The other name's certificate is still there.
            assertEquals("CN=b.example,O=edge-proxy test", served("b.example").getSubjectX500Principal().getName());
            int before = ok.get();
            while (ok.get() < before + 20 && failures.isEmpty()) {
                Thread.sleep(20);
            }
        } finally {
            running.set(false);
            for (Thread t : load) {
                t.join(30_000);
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(ok.get() > 20, "requests flowed: " + ok.get());
        assertNotEquals(old.getSerialNumber(), served("a.example").getSerialNumber());
        assertTrue(app.isAlive(), app::output);
    }
}
