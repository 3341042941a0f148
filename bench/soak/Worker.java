import java.io.IOException;

/**
 * One connection's worth of load: takes the next request of the mix, sends it on its keep-alive connection,
 * judges the answer and counts it. A failed connection is closed and a new one opened for the next request.
 * Paced by a {@link Pacer}, or as fast as the proxy answers when there is none (the peak measurement).
 */
final class Worker implements Runnable {

    private final int port;
    private final Traffic traffic;
    private final Tally tally;
    private final Pacer pacer;
    private final long deadline;
    private Connection connection;

    Worker(int port, Traffic traffic, Tally tally, Pacer pacer, long deadline) {
        this.port = port;
        this.traffic = traffic;
        this.tally = tally;
        this.pacer = pacer;
        this.deadline = deadline;
    }

    @Override
    public void run() {
        try {
            while (true) {
                if (pacer != null) {
                    pacer.await();
                }
                if (System.nanoTime() >= deadline) {
                    return;
                }
                send(traffic.next());
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    private void send(Request request) {
        try {
            if (connection == null) {
                connection = new Connection(port);
            }
            Response response = connection.exchange(request);
            Outcome outcome = request.judge(response);
            tally.add(request.cls(), outcome, request.describe(response));
            if (response.close() || outcome != Outcome.EXPECTED) {
                // a 502 or a wrong answer may leave the connection in any state: start clean
                drop();
            }
        } catch (IOException e) {
            tally.add(request.cls(), request.judge(e), request.describe(e));
            drop();
        }
    }

    private void drop() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    long skipped() {
        return pacer == null ? 0 : pacer.skipped();
    }
}
