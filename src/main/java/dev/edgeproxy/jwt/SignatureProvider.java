package dev.edgeproxy.jwt;

import org.jboss.logging.Logger;

import java.lang.reflect.InvocationTargetException;
import java.security.Provider;
import java.security.Security;
import java.util.Locale;

/**
 * Chooses the JCA provider that checks token signatures: Amazon Corretto Crypto Provider (ACCP, native
 * AWS-LC code) when it loads and passes its self-tests, otherwise the JDK's own providers.
 *
 * <p>Why: signature checking dominates the cost of an uncached request, and ACCP's native code checks
 * every algorithm edge-proxy accepts several times faster than the JDK's Java code, most of all for ES256
 * and EdDSA ({@code bench/jmh.sh TokenVerification}; the figures are in bench/README.md, "Microbenchmarks").
 *
 * <p>ACCP ships a Linux x86-64 library inside its jar. Anywhere it cannot load it (another OS or CPU, a
 * native image, which is built without it) or when {@code edge-proxy.crypto.provider=jdk} is set, nothing
 * is installed and the JDK's providers do the work; the choice and the reason are logged once at startup.
 * The class is looked up by name so that builds without the jar (the native profile) compile and run.
 *
 * <p>ACCP is installed at the highest priority, which is how its authors intend it to be used: smallrye-jwt
 * (jose4j) asks JCA for {@code SHA256withRSA} and the like by name and gets ACCP's implementation.
 */
public final class SignatureProvider {

    private static final Logger LOG = Logger.getLogger(SignatureProvider.class);
    static final String ACCP_CLASS = "com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider";

    /** What is in use, for the startup log, the README and the tests. */
    public record InUse(String name, boolean nativeBacked, String reason) {
        public String describe() {
            return nativeBacked ? name + " (native)" : name + " (" + reason + ")";
        }
    }

    private static InUse inUse;

    private SignatureProvider() {
    }

    /**
     * Installs ACCP unless told not to or it cannot load; idempotent (the first call decides).
     *
     * @param setting {@code auto} (default: ACCP when it loads) or {@code jdk} (never ACCP)
     * @throws IllegalArgumentException on any other setting, naming the property
     */
    public static synchronized InUse install(String setting) {
        String choice = check(setting);
        if (inUse != null) {
            return inUse;
        }
        inUse = choice.equals("jdk") ? jdk("edge-proxy.crypto.provider=jdk") : tryAccp();
        LOG.infof("token signatures are checked by %s", inUse.describe());
        return inUse;
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
    public static synchronized InUse current() {
        return inUse;
    }

    private static InUse tryAccp() {
        Provider accp;
        try {
            Class<?> type = Class.forName(ACCP_CLASS);
            accp = (Provider) type.getField("INSTANCE").get(null);
            Object loadingError = type.getMethod("getLoadingError").invoke(accp);
            if (loadingError instanceof Throwable error) {
                return jdk("ACCP did not load: " + error);
            }
            // Runs ACCP's self-tests; throws if any failed.
            type.getMethod("assertHealthy").invoke(accp);
        } catch (ClassNotFoundException e) {
            return jdk("ACCP is not on the class path");
        } catch (InvocationTargetException e) {
            return jdk("ACCP is unhealthy: " + e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return jdk("ACCP did not load: " + e);
        }
        Security.insertProviderAt(accp, 1);
        return new InUse(accp.getName() + " " + accp.getVersionStr(), true, "");
    }

    private static InUse jdk(String reason) {
        return new InUse("the JDK's providers", false, reason);
    }
}
