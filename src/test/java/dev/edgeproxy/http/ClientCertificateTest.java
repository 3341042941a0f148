package dev.edgeproxy.http;

import dev.edgeproxy.testing.TestCertificates;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code source.certificate} as CEL sees it, from certificates made by a test CA. */
class ClientCertificateTest {

    private static final TestCertificates PKI = TestCertificates.authority("client-test-ca");

    @Test
    void subjectIssuerAndSansByKind() throws Exception {
        TestCertificates.Issued client = PKI.client("CN=client-one,O=edge-proxy test", "spiffe://test/ns/a/sa/one");
        Map<String, Object> described = ClientCertificate.describe(List.of(client.certificate()));
        assertEquals("CN=client-one,O=edge-proxy test", described.get("subject"));
        assertEquals("CN=client-test-ca", described.get("issuer"));
        assertEquals(client.certificate().getSerialNumber().toString(16), described.get("serialNumber"));
        assertEquals(List.of("spiffe://test/ns/a/sa/one"), described.get("uris"));
        assertEquals(List.of(), described.get("dnsNames"));
        assertEquals(List.of(), described.get("emails"));
        assertEquals(List.of(), described.get("ipAddresses"));
        assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(client.certificate().getEncoded())), described.get("sha256"));
    }

    @Test
    void dnsNames() {
        Map<String, Object> described = ClientCertificate.describe(PKI.server("a.example", "b.example").certificate());
        assertEquals(List.of("a.example", "b.example"), described.get("dnsNames"));
    }

    @Test
    void noCertificateIsAnEmptyMap() {
        assertEquals(Map.of(), ClientCertificate.describe(List.of()));
        assertEquals(Map.of(), ClientCertificate.describe((List<java.security.cert.Certificate>) null));
    }
}
