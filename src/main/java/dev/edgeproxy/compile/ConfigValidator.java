package dev.edgeproxy.compile;

import dev.edgeproxy.cel.CelEnvironment;
import dev.edgeproxy.config.ConfigLoader;
import dev.edgeproxy.config.InvalidConfigException;
import dev.edgeproxy.config.LoadedConfig;
import dev.edgeproxy.jwt.jwks.JwksFetcher;
import dev.edgeproxy.proxy.OriginClient;
import dev.edgeproxy.route.Route;
import io.smallrye.config.ConfigValidationException;

import java.io.PrintStream;
import java.util.stream.Collectors;

/**
 * {@code --validate-only}: loads the configuration standalone ({@link ConfigLoader#standalone()}) and
 * compiles it with the same {@link GatewayCompiler} as startup — reading JWKS files and fetching JWKS
 * URLs — and reports, without starting the application or binding any port. What startup refuses, this
 * refuses.
 */
public final class ConfigValidator {

    private ConfigValidator() {
    }

    /** @return the process exit code: 0 when valid, 1 when not */
    public static int run(PrintStream out, PrintStream err) {
        JwksFetcher[] fetcher = new JwksFetcher[1];
        try {
            LoadedConfig loaded = ConfigLoader.standalone().load();
            GatewayCompiler.Compiled compiled = GatewayCompiler.compile(loaded, new CelEnvironment(),
                    limits -> fetcher[0] = new JwksFetcher(limits.jwksMaxBytes()), limits -> OriginClient.Maker.NONE);
            compiled.table().retire();
            out.println("configuration valid: " + compiled.table().routes().size() + " routes ("
                    + compiled.table().routes().stream().map(Route::name).collect(Collectors.joining(", ")) + ")"
                    + (loaded.sample() ? " from the built-in sample" : " from " + loaded.files()));
            return 0;
        } catch (ConfigValidationException e) {
            err.println("configuration invalid:");
            for (int i = 0; i < e.getProblemCount(); i++) {
                err.println("  - " + e.getProblem(i).getMessage());
            }
            return 1;
        } catch (InvalidConfigException e) {
            err.println(e.getMessage().replaceFirst("^invalid gateway configuration", "configuration invalid"));
            return 1;
        } catch (RuntimeException e) {
            err.println("configuration invalid: " + e.getMessage());
            return 1;
        } finally {
            if (fetcher[0] != null) {
                fetcher[0].close();
            }
        }
    }
}
