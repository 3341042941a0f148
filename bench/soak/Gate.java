import java.io.IOException;

/**
 * The check before anything is measured: one request of every class (each malformed variant too) must get
 * its expected answer, or the soak stops, since a load run over wrong answers would measure nothing useful.
 * A deliberate origin reset is retried, a few times.
 */
final class Gate {

    private final int port;
    private final Traffic traffic;
    private final Tally tally;

    Gate(int port, Traffic traffic, Tally tally) {
        this.port = port;
        this.traffic = traffic;
        this.tally = tally;
    }

    boolean passes() {
        boolean ok = true;
        long n = 1_000_000_000L; // query numbers apart from the mix's, for telling them apart in the origin's view
        for (RequestClass cls : RequestClass.values()) {
            if (cls == RequestClass.RETIRED_KEY) {
                continue; // there is no retired key before the rotation
            }
            int variants = cls == RequestClass.MALFORMED ? 4 : cls.toOrigin() && cls != RequestClass.VALID_SAME ? 7 : 1;
            for (int v = 0; v < variants; v++) {
                ok &= check(traffic.build(cls, n++));
            }
        }
        return ok;
    }

    private boolean check(Request request) {
        String last = "";
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = new Connection(port)) {
                Response r = c.exchange(request);
                Outcome o = request.judge(r);
                last = request.describe(r);
                if (o == Outcome.EXPECTED) {
                    Soak.log("check %s", last);
                    return true;
                }
                if (o == Outcome.UNEXPECTED) {
                    break;
                }
            } catch (IOException e) {
                last = request.describe(e);
                if (request.judge(e) == Outcome.UNEXPECTED) {
                    break;
                }
            }
        }
        tally.failedCheck("before measuring: " + last);
        return false;
    }
}
