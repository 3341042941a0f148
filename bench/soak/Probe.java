import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Watches for a configuration change to take effect: sends one request until it gets the answer that only the
 * new configuration gives. Used after every route file rewrite and every JWKS change, so the report can say
 * each one was taken up, and so the mix starts relying on a change only once it is in force.
 */
final class Probe {

    private static final long TIMEOUT_NANOS = 15_000_000_000L;
    /** Per attempt: one answer that never comes must not use up the whole 15 s. */
    private static final int ATTEMPT_TIMEOUT_MS = 5_000;

    private final int port;
    private final Tally tally;
    private volatile String lastAnswer = "nothing";

    Probe(int port, Tally tally) {
        this.port = port;
        this.tally = tally;
    }

    /**
     * Seconds until {@code request} got its expected answer, or -1 after 15 s without it; {@link #lastAnswer}
     * then tells what came instead. A probe that gets no answer at all is counted as a failed check.
     */
    double until(Request request) throws InterruptedException {
        long start = System.nanoTime();
        while (System.nanoTime() - start < TIMEOUT_NANOS) {
            try (Connection c = new Connection(port, ATTEMPT_TIMEOUT_MS)) {
                Response r = c.exchange(request);
                lastAnswer = request.describe(r);
                if (request.judge(r) == Outcome.EXPECTED) {
                    return (System.nanoTime() - start) / 1e9;
                }
                if (r.status() == 502) {
                    tally.probeReset();
                }
            } catch (SocketTimeoutException e) {
                lastAnswer = request.describe(e);
                tally.failedCheck("probe " + lastAnswer);
            } catch (IOException e) {
                // a deliberate reset by the origin (counted, as for the mix): try again
                lastAnswer = request.describe(e);
                tally.probeReset();
            }
            Thread.sleep(50);
        }
        return -1;
    }

    /** What the last attempt got, for the report: status and first line, never the token. */
    String lastAnswer() {
        return lastAnswer;
    }

    /**
     * Replaces {@code file} in one step (a temporary file in the same directory, then a rename), as editors
     * and Kubernetes do: the proxy never sees a half-written file.
     */
    static void replace(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
