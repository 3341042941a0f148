import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites the route file the proxy watches, every RELOAD_EVERY seconds, keeping the routes' meaning: the
 * routes of the mix stay as they are; only a spare route, {@code /spare/<generation>}, changes with each
 * generation. That route is what the probe asks for, so each rewrite is seen to be in force.
 */
final class Reloader {

    private final String template;
    private final Path routes;
    private final Traffic traffic;
    private final Probe probe;
    private final Tally tally;
    private int generation;
    private int confirmed;

    Reloader(Path template, Path routes, Traffic traffic, Probe probe, Tally tally) throws IOException {
        this.template = Files.readString(template);
        this.routes = routes;
        this.traffic = traffic;
        this.probe = probe;
        this.tally = tally;
    }

    /** The route file of generation {@code gen}: the template with its generation filled in. */
    static String render(String template, int gen) {
        return template.replace("@GEN@", Integer.toString(gen));
    }

    void reload() {
        int gen = ++generation;
        try {
            Probe.replace(routes, render(template, gen));
            double took = probe.until(traffic.probe(RequestClass.VALID_SAME, "/spare/" + gen, null));
            if (took < 0) {
                tally.failedCheck("route file generation " + gen + " not in force within 15 s (last answer "
                        + probe.lastAnswer() + ")");
            } else {
                confirmed++;
                Soak.log("reload %d: route file rewritten, in force after %.2f s", gen, took);
            }
        } catch (IOException e) {
            tally.failedCheck("route file generation " + gen + " not written: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String summary() {
        return "route file rewritten " + generation + " times, " + confirmed + " seen in force";
    }
}
