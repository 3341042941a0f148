import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of outcomes per request class for one phase of the run, the reasons of unexpected outcomes, and
 * failed checks outside the mix (a reload or a key change the proxy did not take up in time).
 */
final class Tally {

    /** Probes of reloads and of the rotation: counted apart from the mix, but their resets count too. */
    static final String PROBE = "probe";

    private final Map<RequestClass, LongAdder[]> counts = new EnumMap<>(RequestClass.class);
    private final LongAdder probeResets = new LongAdder();
    private final Map<String, LongAdder> reasons = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failedChecks = new ConcurrentHashMap<>();

    Tally() {
        for (RequestClass c : RequestClass.values()) {
            counts.put(c, new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
        }
    }

    void add(RequestClass cls, Outcome outcome, String reason) {
        counts.get(cls)[outcome.ordinal()].increment();
        if (outcome == Outcome.UNEXPECTED) {
            LongAdder first = reasons.putIfAbsent(reason, new LongAdder());
            reasons.get(reason).increment();
            if (first == null) {
                System.out.println("UNEXPECTED " + reason);
            }
        }
    }

    void probeReset() {
        probeResets.increment();
    }

    void failedCheck(String what) {
        failedChecks.computeIfAbsent(what, k -> new LongAdder()).increment();
        System.out.println("CHECK FAILED " + what);
    }

    long count(RequestClass cls, Outcome outcome) {
        return counts.get(cls)[outcome.ordinal()].sum();
    }

    long total(Outcome outcome) {
        long t = 0;
        for (RequestClass c : RequestClass.values()) {
            t += count(c, outcome);
        }
        return t;
    }

    long requests() {
        return total(Outcome.EXPECTED) + total(Outcome.RESET) + total(Outcome.UNEXPECTED);
    }

    /** Answers that a deliberate origin reset explains: 502s and broken answers, of the mix and of probes. */
    long resetLike() {
        return total(Outcome.RESET) + probeResets.sum();
    }

    long failedChecks() {
        return failedChecks.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> reasons() {
        Map<String, Long> m = new TreeMap<>();
        reasons.forEach((k, v) -> m.put(k, v.sum()));
        failedChecks.forEach((k, v) -> m.put("check: " + k, v.sum()));
        return m;
    }
}
