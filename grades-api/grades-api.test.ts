// grades-api as a service: its HTTP contract (read-only, 400 on bad parameters, 503 while a store is
// down) against a real MongoDB-wire server and a real redis-server, and main.ts as a real process
// (--help, env errors, SIGTERM). The numbers are checked in redis-reads.test.ts and, panel by panel
// through Grafana's own transformations, in grafana/panels.test.ts.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import t from 'tap';
import { startMongo } from '../stack/mongo.js';
import { startRedis } from '../stack/redis.js';
import { REPO_ROOT } from '../stack/tools.js';
import { DIMENSIONS } from './mongo-reads.js';
import { REDIS_DIMENSIONS } from './redis-reads.js';
import { API_PATHS } from './server.js';
import { startGradesApi } from './testing.js';

const MAIN = path.join(REPO_ROOT, 'grades-api/main.ts');
const TSX = path.join(REPO_ROOT, 'node_modules/.bin/tsx');
const ENV = process.env;

t.test('HTTP contract', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const api = await startGradesApi({ mongoUrl: mongo.url, dbName: `grades_api_${process.pid}`, redisUrl: redis.url, timeoutMs: 1000 });
  t.teardown(() => api.close());
  const get = async (p: string, init?: RequestInit): Promise<{ status: number; body: unknown; headers: Headers }> => {
    const res = await fetch(api.url + p, init);
    return { status: res.status, body: await res.json(), headers: res.headers };
  };

  t.same((await get('/healthz')).body, { status: 'ok' });
  t.same((await get('/readyz')).body, { status: 'ready', mongodb: 'ok', redis: 'ok' });
  const empty = await get(API_PATHS.totals);
  t.equal(empty.status, 200);
  t.same(empty.body, [{ records: 0, graded: 0, nota_sum: 0, passed: 0, failed: 0, avg_nota: null, pass_rate: null }], 'an empty collection is zeros, not NaN');
  t.equal(empty.headers.get('cache-control'), 'no-store');
  t.same((await get(API_PATHS.redis.totals)).body, (empty.body as unknown[]), 'empty Redis: the same zeros');
  for (const dim of DIMENSIONS) t.same((await get(API_PATHS.counts(dim))).body, [], `counts/${dim} on no records`);
  for (const dim of REDIS_DIMENSIONS) t.same((await get(API_PATHS.redis.counts(dim))).body, [], `redis/counts/${dim} on no records`);
  t.same((await get(API_PATHS.redis.byCurso)).body, []);
  t.same((await get(API_PATHS.redis.latest)).body, []);
  t.same((await get(`${API_PATHS.byCurso}?curso=*&region=&year=*`)).body, [], '"*" and empty mean All');

  t.equal((await get(`${API_PATHS.totals}?nota=1`)).status, 400, 'unknown parameter');
  t.equal((await get(`${API_PATHS.totals}?year=20x4`)).status, 400, 'bad year');
  t.equal((await get(`${API_PATHS.totals}?curso=a&curso=b`)).status, 400, 'repeated parameter');
  t.equal((await get(`${API_PATHS.totals}?limit=5`)).status, 400, 'limit only on latest');
  t.equal((await get(`${API_PATHS.latest}?limit=0`)).status, 400, 'limit out of range');
  t.equal((await get(`${API_PATHS.totals}?curso=${'x'.repeat(101)}`)).status, 400, 'over-long value');
  t.equal((await get(`${API_PATHS.totals}?curso[$ne]=x`)).status, 400, 'operator-looking keys are unknown parameters');
  const filteredRedis = await get(`${API_PATHS.redis.totals}?curso=SO1`);
  t.equal(filteredRedis.status, 400, 'the Redis endpoints take no filters');
  t.match((filteredRedis.body as { message: string }).message, /not broken down by any filter/, 'and say why');
  t.equal((await get(`${API_PATHS.redis.latest}?limit=201`)).status, 400, 'Redis latest: limit out of range');
  t.equal((await get(`${API_PATHS.redis.latest}?limit=5`)).status, 200, 'Redis latest: limit in range');
  t.equal((await get('/v1/counts/nota')).status, 404, 'unknown dimension');
  t.equal((await get('/v1/redis/counts/year')).status, 404, 'Redis does not count by year');
  t.equal((await get('/nope')).status, 404);
  const post = await get(API_PATHS.totals, { method: 'POST', body: '{}' });
  t.equal(post.status, 405, 'read-only');
  t.equal(post.headers.get('allow'), 'GET');

  await redis.stop();
  const redisDown = await get(API_PATHS.redis.totals);
  t.equal(redisDown.status, 503, 'Redis down: 503 on the Redis endpoints');
  t.match(redisDown.body, { message: /Redis/ });
  t.equal((await get(API_PATHS.totals)).status, 200, 'while the MongoDB endpoints still answer');
  const notReady = await get('/readyz');
  t.equal(notReady.status, 503, 'not ready: a panel cannot be answered');
  t.match(notReady.body, { mongodb: 'ok', redis: /./ });
  await mongo.stop();
  const down = await get(API_PATHS.totals);
  t.equal(down.status, 503, 'MongoDB down: 503');
  t.match(down.body, { message: /MongoDB/ });
  t.equal(down.headers.get('retry-after'), '1');
  t.equal((await get('/healthz')).status, 200, '/healthz looks at nothing');
});

t.test('main.ts: --help, a bad env, and SIGTERM', async (t) => {
  const help = spawn(TSX, [MAIN, '--help'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  help.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const [helpCode] = (await once(help, 'exit')) as [number];
  t.equal(helpCode, 0);
  t.match(out, /MONGO_URL/);

  const bad = spawn(TSX, [MAIN], { env: { ...ENV, PORT: 'eighty' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const [badCode] = (await once(bad, 'exit')) as [number];
  t.equal(badCode, 2, 'a bad env exits 2');
  t.match(err, /PORT="eighty"/);

  // Neither store is needed to start: both clients connect in the background.
  const proc = spawn(TSX, [MAIN], {
    env: { ...ENV, PORT: '0', HOST: '127.0.0.1', MONGO_URL: 'mongodb://127.0.0.1:1/', MONGO_TIMEOUT_MS: '200', REDIS_URL: 'redis://127.0.0.1:1', REDIS_TIMEOUT_MS: '200', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => proc.kill('SIGKILL'));
  let log = '';
  const listening = new Promise<number>((resolve) =>
    proc.stdout.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"msg":"listening".*"port":(\d+)/.exec(log);
      if (m) resolve(Number(m[1]));
    }),
  );
  const port = await listening;
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  t.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 503, 'not ready while the stores are unreachable');
  const exited = once(proc, 'exit');
  proc.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  t.equal(code, 0, 'SIGTERM: drains and exits 0');
  t.match(log, /"msg":"stopped"/);
});
