import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's progress lines (every REPORT_EVERY seconds) and its memory and file-descriptor samples, and the
 * flatness verdict over them: the proxy's RSS and open descriptors in the last minute must not be more than 10 %
 * above the second minute's (a leak grows; a shrinking heap or a closed pool connection is no leak).
 */
final class Report {

    static final double FLAT_LIMIT = 0.10;

    record Sample(double t, long rssKib, long fds) {
    }

    /** One resource's two windows and the verdict. */
    record Flatness(String what, String unit, double early, double late, String windows) {
        double change() {
            return early == 0 ? 0 : (late - early) / early;
        }

        boolean flat() {
            return change() <= FLAT_LIMIT;
        }

        @Override
        public String toString() {
            return String.format("%-4s %s: %.1f %s -> %.1f %s (%+.1f %%) %s", what, windows, early, unit, late, unit,
                    change() * 100, flat() ? "flat" : "NOT FLAT (more than +10 %)");
        }
    }

    private final Proc proc;
    private final Origin origin;
    private final Tally tally;
    private final Rotation rotation;
    private final long start;
    private final List<Sample> samples = new ArrayList<>();
    private long lastRequests;
    private double lastT;

    Report(Proc proc, Origin origin, Tally tally, Rotation rotation, long start) {
        this.proc = proc;
        this.origin = origin;
        this.tally = tally;
        this.rotation = rotation;
        this.start = start;
    }

    /** Prints a progress line; with {@code sample}, its RSS and descriptors count for the flatness verdict. */
    synchronized void line(boolean sample) {
        double t = (System.nanoTime() - start) / 1e9;
        long requests = tally.requests();
        double interval = Math.max(t - lastT, 0.001);
        StringBuilder b = new StringBuilder(String.format("t=%4.0fs %6.0f req/s |", t, (requests - lastRequests) / interval));
        lastRequests = requests;
        lastT = t;
        for (RequestClass c : RequestClass.values()) {
            long ok = tally.count(c, Outcome.EXPECTED);
            long bad = tally.count(c, Outcome.UNEXPECTED);
            if (ok + bad + tally.count(c, Outcome.RESET) > 0) {
                b.append(' ').append(c.label).append(' ').append(ok).append('/').append(bad);
            }
        }
        b.append(" | 502/broken ").append(tally.resetLike()).append(" (origin resets ").append(originResets()).append(')');
        try {
            Sample s = new Sample(t, proc.rssKib(), proc.fds());
            if (sample) {
                samples.add(s);
            }
            b.append(String.format(" | rss %.1f MiB fds %d", s.rssKib() / 1024.0, s.fds()));
        } catch (IOException e) {
            b.append(" | proxy process gone: ").append(e.getMessage());
        }
        Soak.log("%s | %s", b, rotation.state());
    }

    private String originResets() {
        try {
            return Long.toString(origin.resets());
        } catch (IOException e) {
            return "unknown: " + e.getMessage();
        }
    }

    /**
     * RSS and descriptors, second minute against last minute. A run shorter than 3 minutes has no such separate
     * windows; it compares the middle third with the last third instead, and says so.
     */
    synchronized List<Flatness> flatness(double duration) {
        double a0 = 60, a1 = 120, b0 = duration - 60;
        String windows = "2nd minute -> last minute";
        if (duration < 180) {
            a0 = duration / 3;
            a1 = 2 * duration / 3;
            b0 = a1;
            windows = String.format("t %.0f-%.0fs -> t %.0f-%.0fs (run under 3 min)", a0, a1, b0, duration);
        }
        return List.of(
                new Flatness("RSS", "MiB", mean(a0, a1, true) / 1024, mean(b0, duration + 1, true) / 1024, windows),
                new Flatness("fds", "", mean(a0, a1, false), mean(b0, duration + 1, false), windows));
    }

    private double mean(double from, double to, boolean rss) {
        return samples.stream().filter(s -> s.t() > from + 1 && s.t() <= to + 1)
                .mapToLong(s -> rss ? s.rssKib() : s.fds()).average().orElse(Double.NaN);
    }
}
