// Process lifecycle of a real service: bad env fails fast with a message naming the variable;
// SIGTERM finishes the request in flight, turns readiness off and exits 0.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from '../proto/load.js';
import { startService } from '../stack/services.js';
import { REPO_ROOT } from '../stack/tools.js';

for (const [service, env, pattern] of [
  ['redis-writer', { PORT: 'eighty' }, /bad configuration: PORT="eighty" is not an integer/],
  ['redis-writer', { REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL=.* must use redis: or rediss:/],
  ['grpc-client', { GRPC_SERVER_ADDR: 'nohostport' }, /GRPC_SERVER_ADDR=.* must be host:port/],
  ['grpc-server', { MONGO_TIMEOUT_MS: '-1' }, /MONGO_TIMEOUT_MS=-1 is out of range/],
] as const) {
  t.test(`${service} refuses ${Object.keys(env).join(',')}=${Object.values(env).join(',')} with exit 2 and says why`, async (t) => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, service, 'main.ts')], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
    t.equal(res.status, 2);
    t.match(res.stderr, pattern);
  });
}

t.test('every service answers --help', async (t) => {
  for (const service of ['grpc-client', 'grpc-server', 'redis-writer']) {
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, service, 'main.ts'), '--help'], { encoding: 'utf8', timeout: 30_000 });
    t.equal(res.status, 0, service);
    t.match(res.stdout, /Configured by env: .*SHUTDOWN_GRACE_MS/);
  }
});

t.test('SIGTERM lets the request in flight finish, then grpc-client exits 0', async (t) => {
  // A gRPC upstream that takes 800 ms to acknowledge, so a request is surely in flight at SIGTERM.
  const protos = loadProtos();
  const server = new grpc.Server();
  server.addService(protos.grades.grades.v1.GradeService.service, {
    SubmitGrade: (call: grpc.ServerUnaryCall<{ id?: string }, unknown>, cb: grpc.sendUnaryData<unknown>) =>
      setTimeout(() => cb(null, { id: call.request.id, received_at: '2026-01-01T00:00:00.000Z', route: 'grpc', replayed: false }), 800),
  });
  server.addService(protos.health.grpc.health.v1.Health.service, {
    Check: (_c: unknown, cb: grpc.sendUnaryData<unknown>) => cb(null, { status: 'SERVING' }),
    Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => call.end(),
  });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  t.teardown(() => server.forceShutdown());

  const svc = await startService('grpc-client', { env: { GRPC_SERVER_ADDR: `127.0.0.1:${port}`, SHUTDOWN_GRACE_MS: '5000' } });
  t.teardown(() => svc.stop(1000));
  const inFlight = fetch(`${svc.baseUrl}/course`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'drain-1' },
    body: JSON.stringify({ curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R' }),
  });
  await new Promise((r) => setTimeout(r, 300));
  svc.proc.child.kill('SIGTERM');
  const res = await inFlight;
  t.equal(res.status, 201, 'the in-flight request is answered');
  t.same(((await res.json()) as { id: string }).id, 'drain-1');
  const exit = await svc.proc.exited;
  t.same(exit, { code: 0, signal: null }, 'exits 0');
  t.match(svc.proc.output(), /"msg":"shutting down","signal":"SIGTERM"/);
  t.match(svc.proc.output(), /"msg":"stopped"/);
  await t.rejects(fetch(`${svc.baseUrl}/healthz`), 'no longer listening');
});

t.test('LOG_LEVEL=error still prints the "listening" line the stack waits for', async (t) => {
  const svc = await startService('grpc-client', { env: { LOG_LEVEL: 'error', GRPC_SERVER_ADDR: '127.0.0.1:1' } });
  t.teardown(() => svc.stop(1000));
  t.ok(svc.port > 0, `bound port ${svc.port} read from the line`);
  t.equal((await fetch(`${svc.baseUrl}/healthz`)).status, 200);
});

t.test('SIGTERM ends open health Watch streams, so grpc-server stops without forcing', async (t) => {
  const { startMongo } = await import('../stack/mongo.js');
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const svc = await startService('grpc-server', { env: { MONGO_URL: mongo.url, SHUTDOWN_GRACE_MS: '3000' } });
  t.teardown(() => svc.stop(1000));
  const protos = loadProtos();
  const health = new protos.health.grpc.health.v1.Health(`127.0.0.1:${svc.port}`, grpc.credentials.createInsecure());
  t.teardown(() => health.close());
  const stream = health.Watch({ service: '' });
  const statuses: string[] = [];
  stream.on('data', (m: { status?: string }) => statuses.push(m.status ?? '?'));
  const ended = new Promise<string>((resolve) => {
    stream.on('end', () => resolve('end'));
    stream.on('error', (e: Error) => resolve(`error: ${e.message}`));
  });
  while (!statuses.includes('SERVING')) await new Promise((r) => setTimeout(r, 50));
  svc.proc.child.kill('SIGTERM');
  t.same(await svc.proc.exited, { code: 0, signal: null });
  t.equal(await ended, 'end', 'the Watch stream ended cleanly');
  t.ok(statuses.includes('NOT_SERVING'), `watchers saw draining: ${statuses.join(',')}`);
  t.notMatch(svc.proc.output(), /forcing gRPC shutdown/, 'no forced shutdown');
});
