package dev.edgeproxy.bench;

import dev.edgeproxy.http.HeaderFields;
import dev.edgeproxy.http.HopByHop;
import io.vertx.core.MultiMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Hop-by-hop header removal as the pipeline does it for every forwarded request: a typical 12-header
 * request whose {@code Connection} header names one extra header, copied into a fresh header map; and the
 * header-field check every request passes ({@link HeaderFields#firstInvalid}, once on arrival and once before
 * forwarding).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HeaderFilterBenchmark {

    private MultiMap request;

    @Setup(Level.Trial)
    public void setUp() {
        request = MultiMap.caseInsensitiveMultiMap()
                .add("Host", "api.example.com")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)")
                .add("Accept", "application/json, text/plain, */*")
                .add("Accept-Encoding", "gzip, deflate, br")
                .add("Accept-Language", "en-GB,en;q=0.9")
                .add("Content-Type", "application/json")
                .add("Content-Length", "87")
                .add("Cookie", "session=abc123; theme=dark")
                .add("X-Request-Id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .add("Connection", "keep-alive, X-Trace-Hop")
                .add("Keep-Alive", "timeout=5")
                .add("X-Trace-Hop", "edge-1");
        MultiMap out = copy();
        if (out.size() != 9 || out.contains("x-trace-hop") || out.contains("connection")) {
            throw new IllegalStateException("unexpected result: " + out);
        }
        if (check() != null) {
            throw new IllegalStateException("a valid field was refused: " + check());
        }
    }

    @Benchmark
    public Object check() {
        return HeaderFields.firstInvalid(request);
    }

    @Benchmark
    public MultiMap copy() {
        MultiMap to = MultiMap.caseInsensitiveMultiMap();
        HopByHop.copyEndToEnd(request, to);
        return to;
    }
}
