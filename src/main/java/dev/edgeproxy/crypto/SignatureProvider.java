package dev.edgeproxy.crypto;

import org.jboss.logging.Logger;
import org.jose4j.jca.ProviderContext;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.lang.InvalidAlgorithmException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.Locale;

/**
 * Chooses the JCA provider that checks token signatures: Amazon Corretto Crypto Provider (ACCP, native
 * AWS-LC code) when it loads and passes {@link KnownAnswers}, otherwise the JDK's own providers. The same
 * in the jar and in the native image (whose JNI, reflection and resource metadata for ACCP is in
 * META-INF/native-image/dev.edgeproxy/edge-proxy).
 *
 * <p>Why: signature checking dominates the cost of an uncached request, and ACCP's native code checks
 * every algorithm edge-proxy accepts faster than the JDK's Java code, most of all for ES256 and EdDSA, and
 * most of all in the native image, which has no JIT intrinsics for the JDK's big-number arithmetic
 * ({@code bench/jmh.sh TokenVerification}; the figures are in bench/README.md#microbenchmarks and
 * bench/README.md#native-binary-accp-and-epoll).
 *
 * <p>ACCP ships a Linux x86-64 library inside its jar. Anywhere it cannot load it (another OS or CPU) or when
 * {@code edge-proxy.crypto.provider=jdk} is set, the JDK's providers do the work; the choice and the reason
 * are logged once at startup.
 *
 * <p>ACCP is added <em>last</em> in the provider list and named explicitly, per algorithm, in the jose4j
 * {@link ProviderContext} that {@code jwt.VerificationKey} passes ({@link #contextFor}). Nothing else (TLS
 * ciphers, digests, HMAC) ever reaches it by default lookup: in the native image a JCE engine (Cipher, Mac)
 * refuses any provider the image build did not verify, so a first-priority ACCP would break TLS there.
 */
public final class SignatureProvider {

    private static final Logger LOG = Logger.getLogger(SignatureProvider.class);
    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";
    /** The JDK's providers, in their usual order. */
    private static final ProviderContext DEFAULT = new ProviderContext();

    /** What is in use, for the startup log, the README and the tests. */
    public record InUse(String name, boolean nativeBacked, String reason) {
        public String describe() {
            return nativeBacked ? name + " (native)" : name + " (" + reason + ")";
        }
    }

    /**
     * What {@link #install} decided: the provider (null for the JDK's), the context naming it, and the JWS
     * algorithms it serves. One immutable value, published once, so a check reads a consistent choice.
     */
    private record Choice(InUse inUse, Provider provider, ProviderContext named, Set<String> served) {
    }

    private static volatile Choice choice;
    private static final List<String> ACCP_LOGGERS =
            List.of("AmazonCorrettoCryptoProvider", "com.amazon.corretto.crypto.provider.SelfTestSuite");
    /** Held so that the level set on them stays (the log manager keeps loggers weakly). */
    private static final List<java.util.logging.Logger> QUIETED = new ArrayList<>();

    private SignatureProvider() {
    }

    /**
     * Installs ACCP unless told not to or it cannot load; idempotent (the first call decides).
     *
     * @param setting {@code auto} (default: ACCP when it loads) or {@code jdk} (never ACCP)
     * @throws IllegalArgumentException on any other setting, naming the property
     */
    public static synchronized InUse install(String setting) {
        String checked = check(setting);
        if (choice != null) {
            return choice.inUse();
        }
        choice = checked.equals("jdk") ? jdk("edge-proxy.crypto.provider=jdk") : tryAccp();
        LOG.infof("token signatures are checked by %s", choice.inUse().describe());
        return choice.inUse();
    }

    /**
     * {@link #install} on a daemon thread of its own, so that startup does not wait for ACCP to load: until it
     * is in place, the JDK's providers check signatures ({@link #contextFor} answers the JDK's context).
     */
    public static void installInBackground(String setting) {
        check(setting);
        Thread loader = new Thread(() -> install(setting), "signature-provider");
        loader.setDaemon(true);
        loader.start();
    }

    /**
     * Checks a setting without installing anything ({@code --validate-only} and the compiler).
     *
     * @return the setting as {@link #install} understands it: {@code auto} or {@code jdk}
     * @throws IllegalArgumentException on any other setting, naming the property
     */
    public static String check(String setting) {
        String choice = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (!choice.equals("auto") && !choice.equals("jdk")) {
            throw new IllegalArgumentException(
                    "edge-proxy.crypto.provider: must be auto or jdk, got '" + setting + "'");
        }
        return choice;
    }

    /** The provider chosen by {@link #install}, or {@code null} before it ran. */
    public static InUse current() {
        Choice c = choice;
        return c == null ? null : c.inUse();
    }

    /** The jose4j provider context for checking {@code jwsAlg} signatures (the JDK's before {@link #install}). */
    public static ProviderContext contextFor(String jwsAlg) {
        Choice c = choice;
        return c != null && c.served().contains(jwsAlg) ? c.named() : DEFAULT;
    }

    /**
     * {@code key} as the provider checking its algorithms holds it natively, so that it is not converted
     * again at every check (ACCP otherwise re-encodes and re-parses a JDK key each time). {@code key} itself
     * when the JDK's providers check any of {@code jwsAlgs}, or when the provider cannot take it.
     *
     * @return {@code null} while {@link #install} has not decided yet (ACCP may still be loading)
     */
    public static PublicKey nativeKey(Set<String> jwsAlgs, PublicKey key) {
        Choice c = choice;
        if (c == null) {
            return null;
        }
        if (c.provider() == null || !c.served().containsAll(jwsAlgs)) {
            return key;
        }
        try {
            return (PublicKey) KeyFactory.getInstance(key.getAlgorithm(), c.provider()).translateKey(key);
        } catch (GeneralSecurityException | RuntimeException e) {
            return key;
        }
    }

    private static Choice tryAccp() {
        if ("runtime".equals(System.getProperty("org.graalvm.nativeimage.imagecode"))) { // in the native image
            // ACCP runs its whole self-test suite in the background as well; in the native image its HMAC
            // tests fail for the reason given at gateOnAwsLcSelfTests, each with a SEVERE stack trace. What
            // edge-proxy uses is gated and checked without them, so their log says nothing an operator
            // could act on.
            for (String name : ACCP_LOGGERS) {
                QUIETED.add(java.util.logging.Logger.getLogger(name));
            }
            QUIETED.forEach(logger -> logger.setLevel(Level.OFF));
        }
        Provider accp;
        try {
            Class<?> type = Class.forName(ACCP_CLASS);
            accp = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(accp);
            if (loadingError instanceof Throwable error) {
                return jdk("ACCP did not load: " + error);
            }
        } catch (ClassNotFoundException e) {
            return jdk("ACCP is not on the class path");
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return jdk("ACCP did not load: " + e);
        }
        try {
            gateOnAwsLcSelfTests(accp);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return jdk("ACCP's services could not be set up: " + e);
        }
        Security.addProvider(accp);
        ProviderContext named = new ProviderContext();
        named.getSuppliedKeyProviderContext().setSignatureProvider(accp.getName());
        named.getGeneralProviderContext().setSignatureProvider(accp.getName());
        String failed = KnownAnswers.failure(named);
        if (failed != null) {
            Security.removeProvider(accp.getName());
            return jdk("ACCP failed a known-answer check: " + failed);
        }
        Set<String> served = new HashSet<>();
        for (String alg : JwsAlgorithms.ACCEPTED) {
            if (accp.getService("Signature", javaAlgorithm(alg)) != null) {
                served.add(alg);
            }
        }
        return new Choice(new InUse(accp.getName() + " " + accp.getVersionStr(), true, ""), accp, named,
                Set.copyOf(served));
    }

    /**
     * ACCP hands out any of its services only once its whole self-test suite has passed, and that suite
     * includes HMAC tests that fetch {@code Mac} through a throw-away JCE provider, which the native image
     * refuses (a JCE provider must be verified when the image is built), so there ACCP would refuse
     * everything. The signature and key-factory services edge-proxy uses are gated instead on AWS-LC's own
     * power-on self-tests (which cover RSA, ECDSA and Ed25519), through ACCP's per-service hook; the
     * {@link KnownAnswers} then check those services end to end. The same in the jar, so that both builds
     * trust ACCP on the same evidence.
     */
    private static void gateOnAwsLcSelfTests(Provider accp) throws ReflectiveOperationException {
        Class<?> suite = Class.forName("com.amazon.corretto.crypto.provider.SelfTestSuite");
        Field awsLc = suite.getDeclaredField("AWS_LC_SELF_TESTS");
        awsLc.setAccessible(true);
        Object awsLcSelfTests = awsLc.get(null);
        Class<?> selfTest = Class.forName("com.amazon.corretto.crypto.provider.SelfTestSuite$SelfTest");
        for (Provider.Service service : accp.getServices()) {
            if (service.getType().equals("Signature") || service.getType().equals("KeyFactory")) {
                Method hook = service.getClass().getDeclaredMethod("setSelfTest", selfTest);
                hook.setAccessible(true);
                hook.invoke(service, awsLcSelfTests);
            }
        }
    }

    private static String javaAlgorithm(String jwsAlg) {
        try {
            return AlgorithmFactoryFactory.getInstance().getJwsAlgorithmFactory().getAlgorithm(jwsAlg).getJavaAlgorithm();
        } catch (InvalidAlgorithmException e) {
            throw new IllegalStateException("jose4j has no " + jwsAlg, e);
        }
    }

    private static Choice jdk(String reason) {
        return new Choice(new InUse("the JDK's providers", false, reason), null, DEFAULT, Set.of());
    }
}
