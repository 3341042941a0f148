import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak itself: the mix at a constant rate for the whole duration and, on a schedule beside it, the route
 * file rewrites (every RELOAD_EVERY s), the two steps of the JWKS rotation (at 30 % and 60 % of the duration)
 * and the progress lines (every REPORT_EVERY s).
 */
final class SoakPhase {

    /** A reload or rotation step must leave its probe time to finish before the load stops. */
    private static final double LAST_EVENT_MARGIN = 16;
    /**
     * The load runs this much longer than the duration, so that the last sample, at the duration, is taken
     * under load and not while the workers close their connections.
     */
    private static final double OVERRUN = 1;

    private final Soak soak;
    private final Traffic traffic;
    private final Tally tally;
    private final Reloader reloader;
    private final Rotation rotation;
    private Report report;
    private long skipped;
    private double elapsed;

    SoakPhase(Soak soak, Traffic traffic, Tally tally, TokenSet oldKey, TokenSet newKey, Path work) throws Exception {
        this.soak = soak;
        this.traffic = traffic;
        this.tally = tally;
        Probe probe = new Probe(soak.port(), tally);
        Path conf = Path.of(soak.arg("conf", work.resolve("conf").toString()));
        this.reloader = new Reloader(Path.of(soak.arg("routes-template", "")), conf.resolve("routes.yaml"), traffic, probe, tally);
        this.rotation = new Rotation(conf.resolve("jwks.json"), oldKey, newKey, traffic, probe, tally);
    }

    void run(double rate, double duration) throws InterruptedException {
        long start = System.nanoTime();
        report = new Report(soak.proc(), soak.origin(), tally, rotation, start);
        long reloadEvery = Long.parseLong(soak.arg("reload-every", "30"));
        long reportEvery = Long.parseLong(soak.arg("report-every", "10"));
        Soak.log("soak: %.0f s at %.0f req/s, %s connections; route file rewritten every %d s; "
                + "JWKS rotation at %.0f s and %.0f s; a line every %d s", duration, rate, soak.arg("conns", "?"),
                reloadEvery, 0.3 * duration, 0.6 * duration, reportEvery);
        ScheduledExecutorService events = Soak.scheduler();
        events.scheduleAtFixedRate(() -> {
            if (elapsed(start) < duration + OVERRUN / 2) {
                report.line(true);
            }
        }, reportEvery, reportEvery, TimeUnit.SECONDS);
        events.scheduleAtFixedRate(() -> {
            if (elapsed(start) < duration - LAST_EVENT_MARGIN) {
                reloader.reload();
            }
        }, reloadEvery, reloadEvery, TimeUnit.SECONDS);
        events.schedule(rotation::publishNewKey, (long) (300 * duration), TimeUnit.MILLISECONDS);
        events.schedule(rotation::dropOldKey, (long) (600 * duration), TimeUnit.MILLISECONDS);
        skipped = soak.runWorkers(traffic, tally, duration + OVERRUN, rate);
        elapsed = elapsed(start);
        Soak.shutdown(events);
        report.line(false);
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    Report report() {
        return report;
    }

    Reloader reloader() {
        return reloader;
    }

    Rotation rotation() {
        return rotation;
    }

    long skipped() {
        return skipped;
    }

    /** Seconds the load ran. */
    double elapsed() {
        return elapsed;
    }
}
