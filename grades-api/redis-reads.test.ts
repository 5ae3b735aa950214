// grades-api's Redis endpoints against a real redis-server holding what route B really writes: the
// fixture records go through stores/redis-aggregates.ts (the Lua script redis-writer runs), r2 twice.
// Expected numbers are worked out by hand in grafana/test-fixtures/records.ts, not by this code.
import t from 'tap';
import { createClient } from 'redis';
import { REDIS_KEYS } from '../contract/stores.js';
import { REDIS_EXPECTED } from '../grafana/test-fixtures/records.js';
import { startFixtureStores } from '../grafana/test-fixtures/stores.js';
import { API_PATHS } from './server.js';
import { REDIS_DIMENSIONS } from './redis-reads.js';

const stores = await startFixtureStores(t, 'grades_api_redis');

const get = async (p: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(stores.apiUrl + p);
  return { status: res.status, body: await res.json() };
};

t.test('totals: the totals hash, with the ratios computed as for MongoDB', async (t) => {
  t.same((await get(API_PATHS.redis.totals)).body, [REDIS_EXPECTED.totals]);
});

t.test('counts: one hash per dimension, largest first', async (t) => {
  for (const dim of REDIS_DIMENSIONS) {
    const rows = (await get(API_PATHS.redis.counts(dim))).body as { value: string; records: number }[];
    t.same(Object.fromEntries(rows.map((r) => [r.value, r.records])), REDIS_EXPECTED.countBy[dim], `${dim}: the counts`);
    t.same(rows.map((r) => r.records), rows.map((r) => r.records).sort((a, b) => b - a), `${dim}: largest first`);
  }
});

t.test('by curso: the per-curso hashes joined, a curso absent from a hash counting 0 there', async (t) => {
  const rows = (await get(API_PATHS.redis.byCurso)).body;
  t.same(rows, Object.entries(REDIS_EXPECTED.byCurso).map(([curso, e]) => ({ curso, ...e })), 'sorted by curso, SO1 with 0 passed');
});

t.test('latest: the stream newest first, the record spread into the MongoDB endpoint columns', async (t) => {
  const rows = (await get(`${API_PATHS.redis.latest}?limit=20`)).body as Record<string, unknown>[];
  t.same(rows.map((r) => r.id), REDIS_EXPECTED.latestIds, 'newest first, the replay of r2 not repeated');
  t.same(rows[0], {
    id: 'r6',
    receivedAt: '2026-01-01T12:00:05.000Z',
    route: 'redis',
    runId: 'run-2',
    instance: null,
    curso: 'BD1',
    facultad: 'Agronomia',
    carrera: 'Agronomia',
    region: 'CENTRAL',
    carnet: null,
    nombre: null,
    nota: 60,
    semestre: null,
    year: 2024,
  });
  t.equal(rows.find((r) => r.id === 'r4')?.nota, null, 'a record without nota: null, not 0');
  t.same(((await get(`${API_PATHS.redis.latest}?limit=2`)).body as { id: string }[]).map((r) => r.id), ['r6', 'r4'], 'limit');
});

t.test('data the Lua script would never write: a clear 500, or a row that still shows', async (t) => {
  const c = createClient({ url: stores.redisUrl });
  await c.connect();
  t.teardown(() => c.close());
  await c.xAdd(REDIS_KEYS.recent, '*', { id: 'broken', record: '{not json' });
  const [newest] = (await get(`${API_PATHS.redis.latest}?limit=1`)).body as Record<string, unknown>[];
  t.equal(newest?.id, 'broken', 'an entry whose JSON cannot be read still shows, with its id');
  t.match(newest?.receivedAt, /^\d{4}-\d{2}-\d{2}T/, 'and the time Redis added it');
  t.equal(newest?.curso, '', 'its fields empty');

  await c.hSet(REDIS_KEYS.countBy.region, 'NORTE', 'two');
  const bad = await get(API_PATHS.redis.counts('region'));
  t.equal(bad.status, 500);
  t.match(bad.body, { error: 'bad_data', message: /splitbench:count:region field NORTE is "two"/ });
});
