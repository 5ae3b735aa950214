// The sim's MongoDB credentials stand-in (mongo-auth.ts) in front of the real MongoDB-wire server:
// the Secret's password gets through and reads and writes; a wrong one, or none, does not.
import { MongoClient } from 'mongodb';
import t from 'tap';
import { startMongo } from '../../stack/mongo.js';
import { startAuthProxy } from './mongo-auth.js';

t.test('SCRAM-SHA-256 with the one user it holds; everything else passes through', async (t) => {
  const mongo = await startMongo({ ownServer: true });
  t.teardown(() => mongo.stop());
  const proxy = await startAuthProxy(new URL(mongo.url).host, 'splitbench', 'the-password');
  t.teardown(() => proxy.stop());
  const url = (user: string, pw: string): string => `mongodb://${user}:${pw}@127.0.0.1:${proxy.port}/?authSource=admin&directConnection=true`;
  const right = new MongoClient(url('splitbench', 'the-password'), { serverSelectionTimeoutMS: 5000 });
  t.teardown(() => right.close());
  await right.db('sim').collection('c').insertOne({ _id: 'a' as never, n: 1 });
  t.equal(await right.db('sim').collection('c').countDocuments(), 1, 'the right password reads and writes');
  for (const [user, pw] of [['splitbench', 'wrong'], ['someone', 'the-password']] as const) {
    const c = new MongoClient(url(user, pw), { serverSelectionTimeoutMS: 3000 });
    await t.rejects(c.connect(), /Authentication failed/, `${user}/${pw} is refused`);
    await c.close();
  }
  const none = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true`, { serverSelectionTimeoutMS: 3000 });
  await t.rejects(none.db('sim').collection('c').countDocuments(), /requires authentication/, 'no credentials: refused');
  await none.close();
});
