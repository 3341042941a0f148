package dev.edgeproxy.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;

/**
 * The client certificate a TLS handshake verified (mTLS), as CEL sees it in {@code source.certificate}: a small
 * map of strings and lists of strings, so that rules need no X.509 types.
 *
 * <ul>
 *   <li>{@code subject}, {@code issuer}: distinguished names in RFC 2253 form ({@code CN=client,O=Example});</li>
 *   <li>{@code serialNumber}: lower-case hex;</li>
 *   <li>{@code dnsNames}, {@code uris} (SPIFFE IDs among them), {@code emails}, {@code ipAddresses}: the subject
 *       alternative names by kind, empty lists when there are none;</li>
 *   <li>{@code sha256}: the certificate's SHA-256 fingerprint, lower-case hex without separators.</li>
 * </ul>
 */
public final class ClientCertificate {

    // Subject alternative name kinds, RFC 5280 GeneralName tags as the JDK numbers them.
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private ClientCertificate() {
    }

    /**
     * The description of the first (the client's own) certificate of a verified chain.
     *
     * @return an empty map when the chain is empty or does not start with an X.509 certificate
     */
    public static Map<String, Object> describe(List<? extends Certificate> chain) {
        if (chain == null || chain.isEmpty() || !(chain.get(0) instanceof X509Certificate cert)) {
            return Map.of();
        }
        return describe(cert);
    }

    public static Map<String, Object> describe(X509Certificate cert) {
        List<String> dns = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            // The handshake accepted it; a SAN extension the JDK cannot parse leaves the lists empty.
            sans = null;
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() < 2 || !(san.get(0) instanceof Integer kind) || !(san.get(1) instanceof String value)) {
                    continue;
                }
                switch (kind) {
                    case SAN_DNS -> dns.add(value);
                    case SAN_URI -> uris.add(value);
                    case SAN_EMAIL -> emails.add(value);
                    case SAN_IP -> ips.add(value);
                    default -> {
                        // other kinds (directory names, other names) are not offered to rules
                    }
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
        out.put("issuer", cert.getIssuerX500Principal().getName(X500Principal.RFC2253));
        out.put("serialNumber", cert.getSerialNumber().toString(16));
        out.put("dnsNames", List.copyOf(dns));
        out.put("uris", List.copyOf(uris));
        out.put("emails", List.copyOf(emails));
        out.put("ipAddresses", List.copyOf(ips));
        out.put("sha256", fingerprint(cert));
        return Map.copyOf(out);
    }

    private static String fingerprint(X509Certificate cert) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            return "";
        }
    }
}
