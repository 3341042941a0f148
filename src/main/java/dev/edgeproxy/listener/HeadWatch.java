package dev.edgeproxy.listener;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One connection's request-head clock (see {@link HeadDeadline}): armed while the connection waits for
 * a request head, disarmed while a request is in progress. When it runs out, the connection is closed.
 *
 * <p>Touched only on the connection's event loop (calls from elsewhere are moved there), so it needs
 * no locking.
 */
final class HeadWatch {

    private static final Logger LOG = Logger.getLogger(HeadWatch.class);

    static final AttributeKey<HeadWatch> KEY = AttributeKey.valueOf("edgeproxy.headWatch");

    private final Channel channel;
    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private int inFlight;

    private HeadWatch(Channel channel, Duration timeout) {
        this.channel = channel;
        this.timeoutNanos = timeout.toNanos();
    }

    /** The watch of {@code channel}, created (disarmed) if it has none; disarmed for good once it closes. */
    static HeadWatch attach(Channel channel, Duration timeout) {
        HeadWatch created = new HeadWatch(channel, timeout);
        HeadWatch existing = channel.attr(KEY).setIfAbsent(created);
        if (existing != null) {
            return existing;
        }
        channel.closeFuture().addListener(f -> created.onLoop(created::disarm));
        return created;
    }

    /** Starts the clock: a request head must be complete within the timeout from now. */
    void arm() {
        onLoop(() -> {
            disarm();
            if (channel.isActive()) {
                timer = channel.eventLoop().schedule(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        });
    }

    /** A request's head is complete. */
    void requestStarted() {
        onLoop(() -> {
            inFlight++;
            disarm();
        });
    }

    /**
     * A request's exchange is over.
     *
     * @param awaitNext whether the connection may now carry another request, whose head is then due
     */
    void requestEnded(boolean awaitNext) {
        onLoop(() -> {
            inFlight--;
            if (inFlight == 0 && awaitNext) {
                arm();
            }
        });
    }

    private void expire() {
        timer = null;
        if (inFlight == 0 && channel.isActive()) {
            // Debug only: under a slowloris attack this is the normal case, and logging it would be the next flood.
            LOG.debugf("closing %s: no complete request head within %d ms", channel.remoteAddress(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            channel.close();
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void onLoop(Runnable action) {
        if (channel.eventLoop().inEventLoop()) {
            action.run();
        } else {
            channel.eventLoop().execute(action);
        }
    }
}
