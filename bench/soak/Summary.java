import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The verdict: totals by class and outcome, the unexpected count (answers not expected, 502s and broken answers
 * beyond the origin's deliberate resets, and failed reload or rotation checks; it must be 0), the proxy log's
 * reload lines, and RSS and descriptors flat after warm-up. {@link #print} returns whether the soak passed.
 */
final class Summary {

    private final String label;
    private final double rate;
    private final double peak;
    private final double duration;
    private final boolean proxyAlive;
    private final List<String> lines = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    Summary(String label, double rate, double peak, double duration, boolean proxyAlive) {
        this.label = label;
        this.rate = rate;
        this.peak = peak;
        this.duration = duration;
        this.proxyAlive = proxyAlive;
    }

    /** The check, warm-up and peak measurement: not the soak, but a wrong answer there is as wrong. */
    void before(Tally t, long originResets) {
        long unexpected = unexpected(t, originResets);
        lines.add(String.format("before the soak (checks, warm-up, peak): %d requests, %d 502/broken (origin resets %d), "
                + "%d unexpected", t.requests(), t.resetLike(), originResets, unexpected));
        reasons(t);
        if (unexpected > 0) {
            failures.add(unexpected + " unexpected before the soak");
        }
    }

    void soak(Tally t, long originResets, SoakPhase phase, Path proxyLog) {
        lines.add(String.format("%-14s %10s %11s %11s", "class", "expected", "502/broken", "unexpected"));
        for (RequestClass c : RequestClass.values()) {
            lines.add(String.format("%-14s %10d %11d %11d", c.label, t.count(c, Outcome.EXPECTED),
                    t.count(c, Outcome.RESET), t.count(c, Outcome.UNEXPECTED)));
        }
        lines.add(String.format("%-14s %10d %11d %11d", "total", t.total(Outcome.EXPECTED), t.total(Outcome.RESET),
                t.total(Outcome.UNEXPECTED)));
        lines.add(String.format("achieved %.0f req/s of %.0f offered (%d slots skipped by workers running late)",
                t.requests() / phase.elapsed(), rate, phase.skipped()));
        lines.add(String.format("origin resets: %d; 502/broken answers seen: %d (mix %d, probes %d)%s", originResets,
                t.resetLike(), t.total(Outcome.RESET), t.resetLike() - t.total(Outcome.RESET),
                t.resetLike() > originResets ? " -- MORE than the origin broke" : ", all explained by them"));
        long unexpected = unexpected(t, originResets);
        lines.add("unexpected: " + unexpected);
        reasons(t);
        if (unexpected > 0) {
            failures.add(unexpected + " unexpected in the soak");
        }

        List<String> log = Soak.readLines(proxyLog);
        long reloaded = log.stream().filter(l -> l.contains("configuration reloaded")).count();
        long refused = log.stream().filter(l -> l.contains("configuration change refused")).count();
        lines.add(phase.reloader().summary() + "; proxy log: " + reloaded + " reloads, " + refused + " refused");
        if (refused > 0) {
            failures.add("the proxy refused " + refused + " configuration change(s)");
        }
        lines.add("JWKS rotation: " + phase.rotation().state());
        for (Report.Flatness f : phase.report().flatness(duration)) {
            lines.add(f.toString());
            if (!f.flat()) {
                failures.add(f.what() + " not flat");
            }
        }
        if (!proxyAlive) {
            failures.add("the proxy process is gone");
        }
    }

    /** Prints the summary; true when the soak passed. */
    boolean print() {
        System.out.printf("%n== soak summary: %s, %.0f s at %.0f req/s (peak for the mix %.0f req/s) ==%n", label, duration,
                rate, peak);
        lines.forEach(System.out::println);
        System.out.println(failures.isEmpty() ? "RESULT: PASS" : "RESULT: FAIL (" + String.join("; ", failures) + ")");
        return failures.isEmpty();
    }

    private static long unexpected(Tally t, long originResets) {
        return t.total(Outcome.UNEXPECTED) + t.failedChecks() + Math.max(0, t.resetLike() - originResets);
    }

    private void reasons(Tally t) {
        for (Map.Entry<String, Long> e : t.reasons().entrySet()) {
            lines.add(String.format("  %8d x %s", e.getValue(), e.getKey()));
        }
    }
}
