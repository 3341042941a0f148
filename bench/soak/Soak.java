import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak's load generator and judge (started by bench/soak.sh, which starts the origin and the proxy):
 * checks every request class once, measures the proxy's peak rate for the mix, then offers LOAD of that rate
 * for DURATION seconds while rewriting the route file and rotating the signing key, prints a progress line
 * every REPORT_EVERY seconds and a summary, and exits 1 when any answer was unexpected or memory or file
 * descriptors grew.
 *
 * <p>Arguments are key=value pairs; bench/soak.sh documents them.
 */
public final class Soak {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        }
        System.exit(new Soak(a).run());
    }

    static void log(String format, Object... args) {
        System.out.println("[soak " + LocalTime.now().format(CLOCK) + "] " + String.format(format, args));
    }

    private final Map<String, String> args;
    private final int port;
    private final int conns;
    private final Proc proc;
    private final Origin origin;

    private Soak(Map<String, String> args) {
        this.args = args;
        this.port = Integer.parseInt(arg("port"));
        this.conns = Integer.parseInt(arg("conns"));
        this.proc = new Proc(Long.parseLong(arg("pid")));
        this.origin = new Origin(Integer.parseInt(arg("origin-port")));
    }

    private String arg(String key) {
        String v = args.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing argument " + key + "=...");
        }
        return v;
    }

    private int run() throws Exception {
        Path work = Path.of(arg("work"));
        TokenSet k1 = TokenSet.load("k1", work.resolve("k1"));
        TokenSet k2 = TokenSet.load("k2", work.resolve("k2"));
        Traffic traffic = new Traffic(port, k1);

        Tally before = new Tally();
        if (!new Gate(port, traffic, before).passes()) {
            log("a request class does not get its expected answer: nothing measured");
            return 2;
        }
        long resets0 = origin.resets();
        int warmup = Integer.parseInt(arg("warmup"));
        log("warm-up: %d s, %d connections, as fast as the proxy answers", warmup, conns);
        closedLoop(traffic, before, warmup);
        int peakSeconds = Integer.parseInt(arg("peak-seconds"));
        long ticks0 = proc.cpuTicks();
        long requests0 = before.requests();
        long t0 = System.nanoTime();
        closedLoop(traffic, before, peakSeconds);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double peak = (before.requests() - requests0) / elapsed;
        double cpu = (proc.cpuTicks() - ticks0) / Double.parseDouble(arg("clk-tck")) / elapsed;
        long preResets = origin.resets() - resets0;
        double rate = Double.parseDouble(arg("rate"));
        double load = Double.parseDouble(arg("load"));
        if (rate <= 0) {
            rate = Math.max(1, load * peak);
        }
        log("peak for the mix: %.0f req/s over %.0f s (proxy CPU %.0f %% of one core); soak rate %.0f req/s (%s)",
                peak, elapsed, cpu * 100, rate, args.get("rate").equals("0") ? Math.round(load * 100) + " % of it" : "RATE");

        Tally soak = new Tally();
        double duration = Double.parseDouble(arg("duration"));
        SoakPhase phase = new SoakPhase(this, traffic, soak, k1, k2, work);
        long soakResets0 = origin.resets();
        phase.run(rate, duration);
        long soakResets = origin.resets() - soakResets0;

        Summary summary = new Summary(arg("label"), rate, peak, duration, proc.alive());
        summary.before(before, preResets);
        summary.soak(soak, soakResets, phase, Path.of(arg("proxy-log")));
        return summary.print() ? 0 : 1;
    }

    int port() {
        return port;
    }

    Proc proc() {
        return proc;
    }

    Origin origin() {
        return origin;
    }

    String arg(String key, String fallback) {
        return args.getOrDefault(key, fallback);
    }

    /** {@code seconds} of load from {@code conns} workers, each sending as soon as it has its answer. */
    void closedLoop(Traffic traffic, Tally tally, int seconds) throws InterruptedException {
        runWorkers(traffic, tally, seconds, 0);
    }

    /** Runs the workers until {@code seconds} have passed and all have finished; returns the slots skipped. */
    long runWorkers(Traffic traffic, Tally tally, double seconds, double rate) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        List<Worker> workers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            Worker w = new Worker(port, traffic, tally, rate > 0 ? new Pacer(rate, i, conns, start) : null, deadline);
            workers.add(w);
            Thread t = new Thread(w, "soak-" + i);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        return workers.stream().mapToLong(Worker::skipped).sum();
    }

    static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    static ScheduledExecutorService scheduler() {
        return Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "soak-events");
            t.setDaemon(true);
            return t;
        });
    }

    static void shutdown(ScheduledExecutorService s) throws InterruptedException {
        s.shutdownNow();
        s.awaitTermination(20, TimeUnit.SECONDS);
    }
}
