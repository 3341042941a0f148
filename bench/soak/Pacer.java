import java.util.concurrent.locks.LockSupport;

/**
 * Spaces one worker's requests evenly in time, so that all workers together offer a constant rate whatever the
 * proxy's latency (an open loop, unlike wrk's). A worker that falls more than a second behind skips the
 * missed slots instead of bursting to catch up; those are counted so the report shows the rate really offered.
 */
final class Pacer {

    private final long interval;
    private long next;
    private long skipped;

    /** Worker {@code index} of {@code workers}, sharing {@code rate} requests per second from {@code start}. */
    Pacer(double rate, int index, int workers, long start) {
        this.interval = (long) (1e9 * workers / rate);
        this.next = start + interval * index / workers;
    }

    void await() {
        long now = System.nanoTime();
        if (now - next > 1_000_000_000L) {
            long missed = (now - next) / interval;
            skipped += missed;
            next += missed * interval;
        }
        while ((now = System.nanoTime()) < next) {
            LockSupport.parkNanos(next - now);
        }
        next += interval;
    }

    long skipped() {
        return skipped;
    }
}
