package dev.edgeproxy.jwt.jwks;

import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.route.Route;
import dev.edgeproxy.route.RouteTable;
import dev.edgeproxy.testing.Configs;
import dev.edgeproxy.testing.TestKeys;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;

import static dev.edgeproxy.testing.Configs.assertReported;
import static dev.edgeproxy.testing.Configs.compile;
import static dev.edgeproxy.testing.Configs.compileFails;
import static dev.edgeproxy.testing.Configs.jwksOf;
import static dev.edgeproxy.testing.Configs.route;
import static dev.edgeproxy.testing.Configs.token;
import static dev.edgeproxy.testing.Configs.verifies;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code jwks.file}: how its path is resolved, compiled the real way, and that its keys are the ones verifying. */
class JwksFileTest {

    static KeyPair rsa;
    static String jwks;

    @TempDir
    Path tmp;

    @BeforeAll
    static void generateKey() throws Exception {
        rsa = TestKeys.rsa2048();
        jwks = jwksOf(rsa, "test-key");
    }

    @Test
    void jwksFileByAbsolutePathIsLoaded() throws Exception {
        Path file = tmp.resolve("abs-jwks.json");
        Files.writeString(file, jwks);
        assertTrue(file.isAbsolute());
        RouteTable table = compile(strictFileRoute(file.toString()));
        Route r = route(table, "r");
        assertTrue(verifies(r, token(rsa, "test-key", "test.issuer")), "a token signed by the file's key verifies");
        KeyPair other = TestKeys.rsa2048();
        assertFalse(verifies(r, token(other, "test-key", "test.issuer")), "a token signed by another key does not");
    }

    @Test
    void jwksFileByRelativePathResolvesAgainstTheWorkingDirectory() throws Exception {
        Path file = tmp.resolve("rel-jwks.json");
        Files.writeString(file, jwks);
        Path workingDirectory = Path.of("").toAbsolutePath();
        Path relative = workingDirectory.relativize(file.toAbsolutePath());
        assertFalse(relative.isAbsolute());
        assertTrue(Files.isRegularFile(workingDirectory.resolve(relative)));

        Route r = route(compile(strictFileRoute(relative.toString())), "r");
        assertTrue(verifies(r, token(rsa, "test-key", "test.issuer")));
    }

    @Test
    void tokenWithoutIssuedAtVerifies() throws Exception {
        Path file = tmp.resolve("iat-jwks.json");
        Files.writeString(file, jwks);
        Route r = route(compile(strictFileRoute(file.toString())), "r");
        assertTrue(verifies(r, token(rsa, "test-key", "test.issuer", true)), "control: with iat");
        assertTrue(verifies(r, token(rsa, "test-key", "test.issuer", false)), "without iat");
    }

    @Test
    void relativeJwksFileIsNotResolvedAgainstAnotherDirectory() throws Exception {
        // The file exists in the temp dir but not in the working directory: a bare name must not find it.
        String name = "rel-only-" + System.nanoTime() + ".json";
        Files.writeString(tmp.resolve(name), jwks);
        assertFalse(Files.exists(Path.of(name)));
        InvalidConfigException e = compileFails(strictFileRoute(name));
        assertReported(e, "route 'r'", "policies.jwtAuth.jwks.file");
        assertTrue(e.getMessage().contains(Path.of("").toAbsolutePath().resolve(name).toString()),
                () -> "message should show the path resolved against the working directory: " + e.getMessage());
    }

    private static String strictFileRoute(String file) {
        return Configs.jwtRoute("file: \"" + file + "\"", "");
    }
}
