// Group commit (insert-batcher.ts) through MongoGradeStore, on the real MongoDB-wire server (MONGO_URL,
// mongod, or the FerretDB build in .tools/bin): what the driver's bulk errors say per document is read
// from the real server's answers, not from a model of them.
import t from 'tap';
import { ConflictError, DeadlineError, UnavailableError } from '../service-kit/errors.js';
import { startMongo } from '../stack/mongo.js';
import { MongoGradeStore } from './mongo-grades.js';

const grade = { curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 75 };

t.test('records sent together keep their own outcomes: inserted, replayed, conflict', async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const commands: string[] = [];
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_batch`, timeoutMs: 2000, observe: (op) => commands.push(op) });
  t.teardown(() => store.close());
  await store.save({ id: 'old-1', runId: 'r', grade, instance: 'i' }, 'grpc');
  await store.save({ id: 'old-2', runId: 'r', grade, instance: 'i' }, 'grpc');
  commands.length = 0;

  // 40 at once: the first goes alone, the rest queue behind it and go in the next command(s).
  const fresh = Array.from({ length: 38 }, (_, i) => store.save({ id: `new-${i}`, runId: 'r', grade, instance: 'i' }, 'redis'));
  const replay = store.save({ id: 'old-1', runId: 'r', grade, instance: 'i2' }, 'redis');
  const conflict = store.save({ id: 'old-2', runId: 'r', grade: { ...grade, nota: 10 }, instance: 'i' }, 'redis');
  const results = await Promise.all(fresh);
  t.ok(results.every((r, i) => r.id === `new-${i}` && r.route === 'redis' && !r.replayed), 'every new record: inserted, with its own id');
  t.match(await replay, { id: 'old-1', route: 'grpc', replayed: true }, 'a replay in the batch finds the first record');
  await t.rejects(conflict, ConflictError, 'a reused id with another record is a conflict, the batch notwithstanding');
  const inserts = commands.filter((c) => c === 'insert').length;
  t.ok(inserts < 40, `40 records took ${inserts} insert commands`);
  const records = await store.records();
  t.equal(await records.countDocuments({ _id: { $regex: /^new-/ } }), 38, 'all 38 new records are in the store');
  t.equal((await records.findOne({ _id: 'old-2' }))?.nota, 75, 'the conflicting record did not overwrite');
});

t.test('with insertBatch 1 each record is its own command', async (t) => {
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const commands: string[] = [];
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_nobatch`, timeoutMs: 2000, insertBatch: 1, observe: (op) => commands.push(op) });
  t.teardown(() => store.close());
  await store.save({ id: 'warm', runId: 'r', grade, instance: 'i' }, 'grpc');
  commands.length = 0;
  await Promise.all(Array.from({ length: 20 }, (_, i) => store.save({ id: `n-${i}`, runId: 'r', grade, instance: 'i' }, 'grpc')));
  t.equal(commands.filter((c) => c === 'insert').length, 20);
});

t.test('while MongoDB hangs: a sent record ends at its deadline as may-have-landed, a queued one is never sent', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(async () => {
    mongo.proc?.child.kill('SIGCONT');
    await mongo.stop();
  });
  const store = new MongoGradeStore({ url: mongo.url, dbName: `t_${process.pid}_hang`, timeoutMs: 2000 });
  t.teardown(() => store.close());
  await store.save({ id: 'warm', runId: 'r', grade, instance: 'i' }, 'grpc');

  mongo.proc!.child.kill('SIGSTOP');
  const deadline = Date.now() + 500;
  const sent = store.save({ id: 'sent', runId: 'r', grade, instance: 'i' }, 'grpc', new Date(), deadline);
  const queued = store.save({ id: 'queued', runId: 'r', grade, instance: 'i' }, 'grpc', new Date(), deadline);
  await t.rejects(sent, DeadlineError, 'the record in flight: 504, it may have landed');
  await t.rejects(queued, UnavailableError, 'the record behind it: 503, nothing was sent');
  mongo.proc!.child.kill('SIGCONT');

  // Once the server is back: the queued record never reached it; writes go on.
  const records = await store.records();
  t.equal(await records.countDocuments({ _id: 'queued' }), 0, 'the queued record was never written');
  t.match(await store.save({ id: 'after', runId: 'r', grade, instance: 'i' }, 'grpc'), { replayed: false }, 'the store writes again');
});
