// The soak test's origin: answers every request with what it received, so that the load generator can
// check the proxy forwarded exactly what it was sent, and deliberately breaks 1 in RESET_EVERY responses.
//
//   node upstream.js <port> [reset-every=100]     (0: never)
//
// Answer: 200 text/plain "<method> <path-and-query> auth=<absent|present> bytes=<n> sha1=<hex>\n", after
// reading the whole request body (n and sha1 are over the body; "-" for sha1 when there is none).
// "auth=present" means an Authorization header reached the origin: the proxy must remove a verified bearer
// token, so the load generator counts that as a wrong answer.
// Every RESET_EVERY-th request is answered with the status line, headers and half of that body, and then the
// socket is destroyed (a TCP reset mid-response); the count of such resets is what the load generator may
// accept as 502 or broken answers.
// GET /__soak/stats (asked directly, never through the proxy): {"requests":..,"resets":..}.
'use strict';
const http = require('http');
const crypto = require('crypto');

const port = Number(process.argv[2]);
const resetEvery = Number(process.argv[3] || 100);
let requests = 0;
let resets = 0;

const server = http.createServer((req, res) => {
  if (req.url === '/__soak/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, resets }));
    return;
  }
  const n = ++requests;
  const hash = crypto.createHash('sha1');
  let bytes = 0;
  req.on('data', (chunk) => {
    bytes += chunk.length;
    hash.update(chunk);
  });
  req.on('end', () => {
    const auth = req.headers.authorization === undefined ? 'absent' : 'present';
    const body = `${req.method} ${req.url} auth=${auth} bytes=${bytes} sha1=${bytes ? hash.digest('hex') : '-'}\n`;
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    if (resetEvery > 0 && n % resetEvery === 0) {
      resets++;
      // counted before the reset: the load generator reads the count later and may only get more resets than
      // it saw (a reset whose headers never reached the proxy is still a 502), never fewer
      res.write(body.slice(0, body.length >> 1), () => res.socket.resetAndDestroy());
      return;
    }
    res.end(body);
  });
});
// longer than the proxy's pooled-connection keep-alive (60 s): the origin must not close an idle connection
// the proxy may be about to reuse, or a request would fail with no deliberate reset behind it
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => console.log(`soak upstream on 127.0.0.1:${port}, reset every ${resetEvery}`));
process.on('SIGTERM', () => {
  console.log(`soak upstream: ${requests} requests, ${resets} resets`);
  process.exit(0);
});
