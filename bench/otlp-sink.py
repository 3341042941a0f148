#!/usr/bin/env python3
"""An OTLP/HTTP receiver that accepts and drops everything: the collector end of a tracing benchmark
(bench/README.md, "Tracing"). It answers every POST with 200 and an empty protobuf body, and prints how many
export requests and bytes it took when stopped.

    bench/otlp-sink.py 4318 &
    ... -Dquarkus.otel.exporter.otlp.traces.endpoint=http://127.0.0.1:4318 \
        -Dquarkus.otel.exporter.otlp.traces.protocol=http/protobuf
"""
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

received = {"requests": 0, "bytes": 0}


class Sink(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        received["requests"] += 1
        received["bytes"] += length
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def stop(*_):
    print(f"otlp-sink: {received['requests']} export requests, {received['bytes']} bytes", flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 4318), Sink).serve_forever()
