// These tests run the REAL toxiproxy-server (v2.12.0, built by `npm run tools` into .tools/bin from
// tools/toxiproxy) and put its toxics on real loopback TCP links to a node:net echo server and a
// node:http server; nothing is mocked. Timing checks are lower bounds only (a toxic did delay), never
// speed thresholds.
import t from 'tap';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { freePort } from './ports.js';
import { NETWORK_FAULTS, startToxiproxy, ToxiproxyClient, type Toxiproxy } from './toxiproxy.js';

let toxiproxy: Toxiproxy;
let echoPort = 0;
let httpPort = 0;
const echo = net.createServer((socket) => {
  socket.on('error', () => {}); // resets are what some tests cause
  socket.pipe(socket);
});
const web = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
});

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

/** Connects to `address`, sends a line, resolves with what came back and how long it took. */
async function echoRoundTrip(address: string, line = 'ping\n'): Promise<{ reply: string; ms: number }> {
  const socket = net.connect(hostPort(address));
  try {
    await once(socket, 'connect');
    const start = performance.now();
    socket.write(line);
    let reply = '';
    while (reply.length < line.length) {
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      reply += chunk.toString('utf8');
    }
    return { reply, ms: performance.now() - start };
  } finally {
    socket.destroy();
  }
}

/** One GET on a new connection; rejects on a socket error or after `timeoutMs` without an answer. */
function get(address: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...hostPort(address), path: '/', agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'TIMEOUT' })));
    req.on('error', reject);
  });
}

t.before(async () => {
  [echoPort, httpPort] = await Promise.all([listen(echo), listen(web)]);
  toxiproxy = await startToxiproxy();
});

t.teardown(async () => {
  await toxiproxy?.stop();
  echo.close();
  web.closeAllConnections();
  web.close();
});

t.test('the server answers its API; the fault kinds are the ones the client implements', async (t) => {
  t.match(await toxiproxy.client.version(), /^2\.\d+\.\d+$/, 'the pinned build stamps its version');
  t.same(NETWORK_FAULTS, ['latency', 'partition', 'reset']);
});

t.test('traffic passes through a proxy unchanged', async (t) => {
  const listen = await toxiproxy.client.createProxy('echo-pass', `127.0.0.1:${echoPort}`);
  t.match(listen, /^127\.0\.0\.1:\d+$/);
  t.equal((await echoRoundTrip(listen, 'hello through toxiproxy\n')).reply, 'hello through toxiproxy\n');
  const web1 = await toxiproxy.client.createProxy('web-pass', `127.0.0.1:${httpPort}`);
  t.same(await get(web1, 5000), { status: 200, body: '{"ok":true}' });
});

t.test('latency(200, 0) delays each round trip by at least 200 ms; heal removes it', async (t) => {
  const listen = await toxiproxy.client.createProxy('echo-latency', `127.0.0.1:${echoPort}`);
  const link = toxiproxy.client.proxy('echo-latency');
  await link.latency(200, 0);
  t.same(
    (await link.toxics()).map((x) => [x.type, x.stream, x.attributes]),
    [['latency', 'downstream', { latency: 200, jitter: 0 }]],
  );
  const slow = await echoRoundTrip(listen);
  t.equal(slow.reply, 'ping\n');
  // 195, not 200: performance.now() and Go's timers round differently; the toxic itself waits >= 200 ms.
  t.ok(slow.ms >= 195, `round trip took ${slow.ms.toFixed(1)} ms with a 200 ms latency toxic`);
  await link.heal();
  t.same(await link.toxics(), []);
  t.equal((await echoRoundTrip(listen)).reply, 'ping\n');
});

t.test('partition(): a request gets no answer; after heal a new request works', async (t) => {
  const listen = await toxiproxy.client.createProxy('web-partition', `127.0.0.1:${httpPort}`);
  const link = toxiproxy.client.proxy('web-partition');
  t.same(await get(listen, 5000), { status: 200, body: '{"ok":true}' }, 'answers before the fault');
  await link.partition();
  t.same((await link.toxics()).map((x) => [x.type, x.stream, x.attributes.timeout]).sort(), [
    ['timeout', 'downstream', 0],
    ['timeout', 'upstream', 0],
  ]);
  await t.rejects(get(listen, 500), { code: 'TIMEOUT' }, 'no answer within 500 ms: the connection hangs');
  await link.heal();
  t.same(await get(listen, 5000), { status: 200, body: '{"ok":true}' }, 'answers again after heal');
});

t.test('reset(): connections are reset by the peer; after heal they work', async (t) => {
  const listen = await toxiproxy.client.createProxy('echo-reset', `127.0.0.1:${echoPort}`);
  const link = toxiproxy.client.proxy('echo-reset');
  await link.reset();
  t.same((await link.toxics()).map((x) => [x.type, x.stream]).sort(), [
    ['reset_peer', 'downstream'],
    ['reset_peer', 'upstream'],
  ]);
  const err = await echoRoundTrip(listen).then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e,
  );
  t.equal(err?.code, 'ECONNRESET', `the client sees a reset (got ${err?.code ?? 'an answer'})`);
  const web1 = await toxiproxy.client.createProxy('web-reset', `127.0.0.1:${httpPort}`);
  await toxiproxy.client.proxy('web-reset').apply('reset');
  await t.rejects(get(web1, 5000), { code: 'ECONNRESET' }, 'an HTTP request fails with ECONNRESET');
  await link.heal();
  t.equal((await echoRoundTrip(listen)).reply, 'ping\n');
});

t.test('heal removes every toxic, and the link carries traffic again', async (t) => {
  const listen = await toxiproxy.client.createProxy('echo-heal', `127.0.0.1:${echoPort}`);
  const link = toxiproxy.client.proxy('echo-heal');
  for (const fault of NETWORK_FAULTS) await link.apply(fault, { latencyMs: 50 });
  t.equal((await link.toxics()).length, 5, 'latency (1) + partition (2) + reset (2)');
  await link.heal();
  t.same(await link.toxics(), []);
  t.equal((await echoRoundTrip(listen)).reply, 'ping\n');
  await link.heal(); // nothing to remove: no error
});

t.test("the API's errors become Errors that say what failed", async (t) => {
  await toxiproxy.client.createProxy('echo-errors', `127.0.0.1:${echoPort}`);
  const link = toxiproxy.client.proxy('echo-errors');
  await link.partition();
  await t.rejects(link.partition(), /toxiproxy: adding toxic partition_upstream \(timeout, upstream\) to proxy echo-errors failed: .* answered 409: toxic already exists/);
  await link.heal();
  await t.rejects(toxiproxy.client.proxy('no-such-proxy').latency(10), /to proxy no-such-proxy failed: .* answered 404: proxy not found/);
  await t.rejects(toxiproxy.client.createProxy('echo-errors', `127.0.0.1:${echoPort}`), /creating proxy echo-errors .* answered 409: proxy already exists/);
  await toxiproxy.client.deleteProxy('echo-errors');
  await t.rejects(toxiproxy.client.deleteProxy('echo-errors'), /deleting proxy echo-errors failed: .* answered 404/);
  const closed = await freePort(); // nothing listens there
  const dead = new ToxiproxyClient(`http://127.0.0.1:${closed}`, 1000);
  await t.rejects(dead.version(), new RegExp(`toxiproxy: reading the version failed: GET http://127\\.0\\.0\\.1:${closed}/version: .*ECONNREFUSED`));
});
