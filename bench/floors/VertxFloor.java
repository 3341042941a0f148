import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The floor of Vert.x as an HTTP/1.1 proxy: one HttpServer, one pooled HttpClient to one origin, the request
 * headers copied (hop-by-hop ones left out), both bodies piped. No routing, no authentication, no logging: what
 * any proxy built on Vert.x's HTTP server and client costs at least (bench/run.sh, target floor-vertx-*).
 *
 * <pre>java -cp "target/quarkus-app/lib/main/*:target/bench-classes/floors" VertxFloor listen-port origin-port</pre>
 */
public final class VertxFloor {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        int originPort = Integer.parseInt(args[1]);
        // one event loop: the benchmark pins every proxy to one CPU
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setPreferNativeTransport(true));
        HttpClient client = vertx.createHttpClient(
                new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(originPort),
                new PoolOptions().setHttp1MaxSize(64));
        vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1"))
                .requestHandler(request -> forward(client, request))
                .listen()
                .onSuccess(s -> System.out.println("vertx floor on :" + s.actualPort() + " -> :" + originPort
                        + ", native transport " + vertx.isNativeTransportEnabled()))
                .onFailure(e -> { e.printStackTrace(); System.exit(1); });
    }

    private static void forward(HttpClient client, HttpServerRequest request) {
        request.pause();
        RequestOptions options = new RequestOptions().setMethod(request.method()).setURI(request.uri());
        client.request(options).onComplete(lease -> {
            if (lease.failed()) {
                request.resume();
                request.response().setStatusCode(502).end();
                return;
            }
            var out = lease.result();
            request.headers().forEach((name, value) -> {
                if (!hopByHop(name)) {
                    out.headers().add(name, value);
                }
            });
            out.response().onComplete(answer -> {
                if (answer.failed()) {
                    request.response().setStatusCode(502).end();
                    return;
                }
                var in = answer.result();
                var response = request.response().setStatusCode(in.statusCode());
                in.headers().forEach((name, value) -> {
                    if (!hopByHop(name)) {
                        response.headers().add(name, value);
                    }
                });
                in.pipeTo(response);
            });
            if (!request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                    && request.headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
                out.setChunked(true);
            }
            request.pipeTo(out);
        });
    }

    private static boolean hopByHop(String name) {
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive")
                || name.equalsIgnoreCase("transfer-encoding") || name.equalsIgnoreCase("te")
                || name.equalsIgnoreCase("upgrade") || name.equalsIgnoreCase("proxy-connection")
                || name.equalsIgnoreCase("trailer");
    }
}
