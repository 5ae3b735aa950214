// The MongoDB Node driver's connection behaviour, on the real driver (mongodb 7.x) against the real
// MongoDB-wire server the project runs (stack/mongo.ts): what it does by itself, and what
// mongo-connection.ts adds. These are the claims the services' start order rests on.
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { startMongo } from '../stack/mongo.js';
import { collectionOn, MongoConnection } from './mongo-connection.js';

const OPTS = { serverSelectionTimeoutMS: 400, connectTimeoutMS: 400 };

/** A server that is down, whose URL is known: started once for its port, then stopped. */
async function downServer(t: Test) {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  await mongo.stop();
  return mongo;
}

const insertOk = (c: MongoClient, db: string): Promise<boolean> =>
  c.db(db).collection('probe').insertOne({ at: new Date() }).then(() => true, () => false);

/** The process's state letter from /proc/<pid>/stat (R, S, T, ...). */
const processState = (pid: number): string => readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').charAt(0);

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

t.test('the driver builds a new Collection per db().collection() call; collectionOn builds one per client', async (t) => {
  // Real driver objects; building handles needs no server (nothing connects here).
  const a = new MongoClient('mongodb://127.0.0.1:1/', OPTS);
  const b = new MongoClient('mongodb://127.0.0.1:1/', OPTS);
  t.teardown(() => Promise.all([a.close(), b.close()]));
  t.not(a.db('d').collection('c'), a.db('d').collection('c'), 'the driver: a new handle each time');
  t.not(a.db('d'), a.db('d'), 'and a new Db each time');
  const first = collectionOn(a, 'd', 'c');
  t.equal(collectionOn(a, 'd', 'c'), first, 'collectionOn: the same handle for the same client, database and name');
  t.equal(first.namespace, 'd.c');
  t.not(collectionOn(a, 'd', 'other'), first, 'another name, another handle');
  t.equal(collectionOn(a, 'e', 'c').namespace, 'e.c', 'another database, its own handle');
  t.not(collectionOn(b, 'd', 'c'), first, 'another client (a replaced one), its own handle');
});

t.test('the driver alone: a client whose first connect failed stays closed after the server comes up', async (t) => {
  const mongo = await downServer(t);
  const client = new MongoClient(mongo.url, OPTS);
  t.teardown(() => client.close());
  await t.rejects(client.db('conn_t').collection('probe').insertOne({ a: 1 }), /ECONNREFUSED|Server selection/, 'down: the first use fails');
  await mongo.restart();
  const err = await client.db('conn_t').collection('probe').insertOne({ a: 1 }).then(() => undefined, (e: unknown) => e as Error);
  t.equal(err?.name, 'MongoTopologyClosedError', 'and every later use answers "Topology is closed", with the server up: why mongo-connection.ts exists');
});

t.test('the driver alone: a connected client finds a restarted server by itself', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const client = new MongoClient(mongo.url, OPTS);
  t.teardown(() => client.close());
  t.ok(await insertOk(client, 'conn_t'), 'connected and writing');
  await mongo.stop();
  t.notOk(await insertOk(client, 'conn_t'), 'server down: the write fails');
  await mongo.restart();
  t.ok(await until(() => insertOk(client, 'conn_t'), 20_000), 'server back: the same client writes again');
});

t.test('MongoConnection: created while MongoDB is down, it serves once MongoDB is up, without a restart', async (t) => {
  const mongo = await downServer(t);
  const conn = new MongoConnection(mongo.url, OPTS);
  t.teardown(() => conn.close());
  await t.rejects(conn.client(), /ECONNREFUSED|Server selection/i, 'down: rejects with the reason');
  await t.rejects(conn.client(), /ECONNREFUSED|Server selection/i, 'still down: a new attempt, the same answer');
  await mongo.restart();
  t.ok(await until(() => conn.use((c) => insertOk(c, 'conn_t')), 20_000), 'up: the next use connects and writes');
  const attempts = await Promise.all([conn.client(), conn.client(), conn.client()]);
  t.ok(attempts.every((c) => c === attempts[0]), 'one client shared by every caller');
});

t.test('MongoConnection: many callers while down share one attempt at a time', async (t) => {
  const mongo = await downServer(t);
  const conn = new MongoConnection(mongo.url, OPTS);
  t.teardown(() => conn.close());
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => conn.client()));
  t.ok(results.every((r) => r.status === 'rejected'), 'all fail while down');
  const reasons = new Set(results.map((r) => (r as PromiseRejectedResult).reason as Error));
  t.equal(reasons.size, 1, 'with the same error: one connect attempt served all twenty');
});

t.test('MongoConnection: close() while MongoDB is down ends at once and refuses further use', async (t) => {
  const mongo = await downServer(t);
  const conn = new MongoConnection(mongo.url, OPTS);
  const pending = conn.client().catch((e: unknown) => e);
  await conn.close();
  await pending;
  await t.rejects(conn.client(), /closed/);
});

t.test('MongoConnection: a connected client that finds no server for staleAfterMs is replaced', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const conn = new MongoConnection(mongo.url, { serverSelectionTimeoutMS: 200, connectTimeoutMS: 200 }, { staleAfterMs: 600 });
  t.teardown(() => conn.close());
  t.ok(await conn.use((c) => insertOk(c, 'conn_t')), 'connected');
  const first = await conn.client();
  await mongo.stop();
  const started = Date.now();
  while (Date.now() - started < 1500) await conn.use((c) => c.db('admin').command({ ping: 1 })).catch(() => undefined);
  t.ok(conn.replaced >= 1, `replaced after a run of server-selection failures (${conn.replaced})`);
  await mongo.restart();
  t.ok(await until(() => conn.use((c) => insertOk(c, 'conn_t')), 20_000), 'and the new client writes once MongoDB is back');
  t.not(await conn.client(), first, 'through a new client');
});

t.test('a store call is bounded by its deadline while MongoDB hangs (SIGSTOP), not by the hang', async (t) => {
  const { MongoGradeStore } = await import('./mongo-grades.js');
  const { DeadlineError, UnavailableError } = await import('../service-kit/errors.js');
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const store = new MongoGradeStore({ url: mongo.url, dbName: 'conn_bound', timeoutMs: 1000 });
  t.teardown(() => store.close());
  const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' };
  await store.save({ id: 'b0', runId: 'r', grade, instance: 'i' }, 'redis');
  mongo.proc!.child.kill('SIGSTOP');
  // The signal is queued, not yet acted on: wait until the kernel shows the process stopped (state T).
  t.ok(await until(async () => processState(mongo.proc!.child.pid!) === 'T', 5000), 'MongoDB is stopped');
  let resumed = false;
  const resume = setTimeout(() => {
    resumed = true;
    mongo.proc!.child.kill('SIGCONT');
  }, 8000);
  t.teardown(() => {
    clearTimeout(resume);
    mongo.proc!.child.kill('SIGCONT');
  });
  const err = await store.save({ id: 'b1', runId: 'r', grade, instance: 'i' }, 'redis', new Date(), Date.now() + 500).then(() => undefined, (e: unknown) => e as Error);
  t.notOk(resumed, 'the call ended while MongoDB was still hung');
  t.ok(err instanceof DeadlineError || err instanceof UnavailableError, `with a 504 or 503 error (${err?.name}: ${err?.message})`);
  const past = await store.save({ id: 'b2', runId: 'r', grade, instance: 'i' }, 'redis', new Date(), Date.now() - 1).then(() => undefined, (e: unknown) => e as Error);
  t.match(past?.message, /no time left before the request deadline; not sent/, 'a deadline already past is never sent');
});

t.test("readiness (ping) follows the driver's monitor: down while MongoDB hangs, up again after", async (t) => {
  const { MongoGradeStore } = await import('./mongo-grades.js');
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const store = new MongoGradeStore({ url: mongo.url, dbName: 'conn_ping', timeoutMs: 500 });
  t.teardown(() => store.close());
  await store.ping();
  t.same(store.connection.monitor(), { state: 'up' }, 'connected: the monitor has seen the server');
  mongo.proc!.child.kill('SIGSTOP');
  t.teardown(() => mongo.proc!.child.kill('SIGCONT'));
  t.ok(await until(() => store.ping().then(() => false, () => true), 15_000), 'hung: ping rejects');
  t.equal(store.connection.monitor()?.state, 'down', 'because the monitor saw the server go');
  mongo.proc!.child.kill('SIGCONT');
  t.ok(await until(() => store.ping().then(() => true, () => false), 15_000), 'resumed: ping resolves again');
});
