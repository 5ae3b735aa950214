// The REST contract's logic with a fake writer: status mapping, headers, deadline, draining.
// (The real stores and processes are covered by test/services.integration.test.ts.)
import t from 'tap';
import http from 'node:http';
import type { WriteRequest, WriteResult } from '../contract/record.js';
import { ConflictError, InvalidRecordError, UnavailableError } from './errors.js';
import { listen } from './lifecycle.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { createRestApp } from './rest-app.js';

type Writer = (req: WriteRequest) => Promise<WriteResult>;

async function serve(t: { teardown(fn: () => unknown): void }, write: Writer, opts: { ready?: () => Promise<string[]>; timeoutMs?: number } = {}) {
  const logs: string[] = [];
  const rest = createRestApp({
    route: 'redis',
    instanceId: 'test-1',
    logger: createLogger({}, 'debug', (l) => logs.push(l)),
    metrics: createMetrics({ service: 'redis-writer', route: 'redis', instance: 'test-1' }),
    requestTimeoutMs: opts.timeoutMs ?? 1000,
    write,
    ready: opts.ready ?? (async () => []),
  });
  const server = http.createServer(rest.app);
  const port = await listen(server, 0, '127.0.0.1');
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}/course`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { post, url: `http://127.0.0.1:${port}`, rest, logs };
}

const record = { curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R' };
const ok: Writer = async (req) => ({ id: req.id, route: 'redis', receivedAt: '2026-01-01T00:00:00.000Z', replayed: false });

t.test('a write gets 201 with the record id; the writer sees the validated record and headers', async (t) => {
  let seen: WriteRequest | undefined;
  const { post } = await serve(t, async (req) => ((seen = req), ok(req)));
  const res = await post({ ...record, nota: 70 }, { 'idempotency-key': 'k-1', 'x-run-id': 'run-9' });
  t.equal(res.status, 201);
  t.equal(res.headers.get('x-route'), 'redis');
  t.equal(res.headers.get('x-instance'), 'test-1');
  t.same(await res.json(), { id: 'k-1', route: 'redis', receivedAt: '2026-01-01T00:00:00.000Z' });
  t.same(seen, { id: 'k-1', runId: 'run-9', grade: { ...record, nota: 70 }, instance: 'test-1' });
});

t.test('without an Idempotency-Key the id is a fresh UUIDv7 and the run is "none"', async (t) => {
  let seen: WriteRequest | undefined;
  const { post } = await serve(t, async (req) => ((seen = req), ok(req)));
  t.equal((await post(record)).status, 201);
  t.match(seen?.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  t.equal(seen?.runId, 'none');
});

t.test('each write error maps to its status, never a 2xx', async (t) => {
  const cases: [Error, number, string][] = [
    [new UnavailableError('MongoDB: down'), 503, 'unavailable'],
    [new ConflictError('used'), 409, 'idempotency_conflict'],
    [new InvalidRecordError('bad', [{ field: 'nota', message: 'x' }]), 400, 'invalid_record'],
    [new Error('boom'), 500, 'internal'],
  ];
  for (const [err, status, code] of cases) {
    const { post } = await serve(t, async () => Promise.reject(err));
    const res = await post(record);
    t.equal(res.status, status, `${err.name} -> ${status}`);
    t.equal(((await res.json()) as { error: string }).error, code);
    if (status === 503) t.equal(res.headers.get('retry-after'), '1');
  }
});

t.test('a write slower than REQUEST_TIMEOUT_MS answers 504', async (t) => {
  const { post } = await serve(t, () => new Promise((r) => setTimeout(() => r(ok({ id: 'late' } as WriteRequest)), 500)), { timeoutMs: 50 });
  const res = await post(record);
  t.equal(res.status, 504);
  t.match(await res.json(), { error: 'deadline_exceeded', message: /may or may not be stored/ });
});

t.test('a replay answers 200 with Idempotency-Replayed', async (t) => {
  const { post } = await serve(t, async (req) => ({ ...(await ok(req)), replayed: true }));
  const res = await post(record, { 'idempotency-key': 'again' });
  t.equal(res.status, 200);
  t.equal(res.headers.get('idempotency-replayed'), 'true');
});

t.test('readiness: problems make it 503; draining makes it 503 whatever the stores say', async (t) => {
  let problems: string[] = ['redis: down'];
  const { url, rest } = await serve(t, ok, { ready: async () => problems });
  let res = await fetch(`${url}/readyz`);
  t.equal(res.status, 503);
  t.same(await res.json(), { status: 'not ready', problems: ['redis: down'] });
  problems = [];
  t.equal((await fetch(`${url}/readyz`)).status, 200);
  rest.startDraining();
  res = await fetch(`${url}/readyz`);
  t.equal(res.status, 503);
  t.same(await res.json(), { status: 'draining' });
  t.equal((await fetch(`${url}/healthz`)).status, 200, 'liveness is unaffected');
});
