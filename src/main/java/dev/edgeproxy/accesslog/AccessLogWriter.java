package dev.edgeproxy.accesslog;

import dev.edgeproxy.logging.LogThrottle;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Writes access log lines in batches, on a thread of its own: an event loop only queues the entry (no
 * formatting, no lock, no system call), and the writer turns everything queued into lines and writes them
 * with one system call per {@value #MAX_WRITE} bytes, every {@link #INTERVAL}.
 *
 * <p>A write never mixes with the process's other output mid-line: each is whole lines of at most
 * {@value #MAX_WRITE} bytes ({@code PIPE_BUF}, what a pipe writes atomically; a container's standard output is
 * a pipe). A line longer than that is written alone.
 *
 * <p>The queue holds at most {@value #CAPACITY} entries; when the output does not keep up (a blocked pipe), the
 * entries beyond are dropped, counted ({@link #dropped()}) and reported in a warning every 10 s at most, so a slow
 * log reader never slows or stops the proxy. The thread starts with the first entry and is drained when the
 * process stops; a request that ends after that has its line written at once.
 */
final class AccessLogWriter {

    private static final Logger LOG = Logger.getLogger(AccessLogWriter.class);
    static final int CAPACITY = 16_384;
    static final int MAX_WRITE = 4_096;
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration WARN_INTERVAL = Duration.ofSeconds(10);

    /** One ended request and the wall-clock time it ended, in milliseconds since the epoch. */
    record Pending(long endedAtMillis, AccessLogEntry entry) {
    }

    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final OutputStream out;
    private final Function<Pending, String> render;
    private final Duration interval;
    private final byte[] buffer = new byte[MAX_WRITE];
    private final Object lifecycle = new Object();
    private final LogThrottle warnings = new LogThrottle(WARN_INTERVAL);
    private long droppedReported;
    private volatile Thread thread;
    private volatile boolean closed;

    AccessLogWriter(OutputStream out, Function<Pending, String> render, Duration interval) {
        this.out = out;
        this.render = render;
        this.interval = interval;
    }

    /** Queues one line; {@code false} when it was dropped because the queue is full. */
    boolean offer(long endedAtMillis, AccessLogEntry entry) {
        if (thread == null) {
            start();
        }
        if (queued.incrementAndGet() > CAPACITY) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return false;
        }
        queue.offer(new Pending(endedAtMillis, entry));
        if (closed) {
            writeQueued();   // a request that ends while the process stops: the writer thread is gone
        }
        return true;
    }

    /** Lines dropped so far because the output did not keep up. */
    long dropped() {
        return dropped.get();
    }

    private void start() {
        synchronized (lifecycle) {
            if (thread != null || closed) {
                return;
            }
            Thread writer = new Thread(this::run, "access-log-writer");
            writer.setDaemon(true);
            writer.start();
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "access-log-drain"));
            thread = writer;
        }
    }

    private void run() {
        while (!closed) {
            LockSupport.parkNanos(interval.toNanos());
            writeQueued();
        }
    }

    /** Writes what is queued and flushes; on the writer thread, or once more by {@link #close()}. */
    synchronized void writeQueued() {
        int used = 0;
        Exception failed = null;
        try {
            Pending next;
            while ((next = queue.poll()) != null) {
                queued.decrementAndGet();
                byte[] line = (render.apply(next) + "\n").getBytes(StandardCharsets.UTF_8);
                if (used + line.length > MAX_WRITE && used > 0) {
                    out.write(buffer, 0, used);
                    used = 0;
                }
                if (line.length > MAX_WRITE) {
                    out.write(line);
                } else {
                    System.arraycopy(line, 0, buffer, used, line.length);
                    used += line.length;
                }
            }
            if (used > 0) {
                out.write(buffer, 0, used);
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            failed = e;
        }
        long lost = dropped.get();
        // at most one report per WARN_INTERVAL: an output that stays broken must not flood the other log
        if ((failed != null || lost > droppedReported) && warnings.acquire() >= 0) {
            if (failed != null) {
                LOG.warnf("access log: lines could not be written: %s", failed.toString());
            }
            if (lost > droppedReported) {
                LOG.warnf("access log: %d lines dropped since the last report: the output does not keep up",
                        lost - droppedReported);
                droppedReported = lost;
            }
        }
    }

    /** Stops the writer thread and writes what is still queued. */
    void close() {
        Thread writer;
        synchronized (lifecycle) {
            closed = true;
            writer = thread;
        }
        if (writer != null) {
            LockSupport.unpark(writer);
            try {
                writer.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writeQueued();
    }
}
