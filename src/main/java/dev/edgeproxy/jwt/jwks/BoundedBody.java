package dev.edgeproxy.jwt.jwks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A response body read into a UTF-8 string, but never more than a fixed number of bytes of it: a
 * larger body (announced by {@code Content-Length} or found while reading) fails with an
 * {@link IOException} and the rest is not read.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<String> {

    private final int maxBytes;
    private final long declaredLength;
    private final AtomicReference<IOException> tooLarge;
    private final CompletableFuture<String> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private BoundedBody(int maxBytes, long declaredLength, AtomicReference<IOException> tooLarge) {
        this.maxBytes = maxBytes;
        this.declaredLength = declaredLength;
        this.tooLarge = tooLarge;
    }

    /**
     * Sends {@code request} and reads at most {@code maxBytes} of the response body. A larger body
     * fails the returned future with an {@link IOException} saying so.
     */
    static CompletableFuture<HttpResponse<String>> send(HttpClient client, HttpRequest request, int maxBytes) {
        AtomicReference<IOException> tooLarge = new AtomicReference<>();
        return client.sendAsync(request, info -> new BoundedBody(maxBytes,
                        info.headers().firstValueAsLong("content-length").orElse(-1), tooLarge))
                .handle((response, failure) -> {
                    // Cancelling the body makes the client fail the exchange with a vaguer reason of its own.
                    if (tooLarge.get() != null) {
                        throw new CompletionException(tooLarge.get());
                    }
                    if (failure != null) {
                        throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                    }
                    return response;
                });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (declaredLength > maxBytes) {
            tooLarge();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            if ((long) bytes.size() + item.remaining() > maxBytes) {
                tooLarge();
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            bytes.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toString(StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<String> getBody() {
        return body;
    }

    private void tooLarge() {
        IOException reason = new IOException("response larger than " + maxBytes + " bytes (gateway.limits.jwksMaxBytes)");
        tooLarge.set(reason);
        body.completeExceptionally(reason);
        subscription.cancel();
    }
}
