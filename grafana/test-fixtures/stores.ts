/**
 * Test support: a real redis-server and a real MongoDB-wire server holding what records.ts writes
 * (through the real store classes), and grades-api reading them. Everything is stopped in teardown.
 */
import type { Test } from 'tap';
import { MongoClient } from 'mongodb';
import { startGradesApi } from '../../grades-api/testing.js';
import { startMongo } from '../../stack/mongo.js';
import { startRedis } from '../../stack/redis.js';
import { writeFixtures } from './records.js';

export interface FixtureStores {
  redisUrl: string;
  mongoUrl: string;
  dbName: string;
  /** grades-api's base URL. */
  apiUrl: string;
}

export async function startFixtureStores(t: Test, name: string): Promise<FixtureStores> {
  const redis = await startRedis();
  t.teardown(() => redis.stop());
  const mongo = await startMongo();
  t.teardown(() => mongo.stop());
  const dbName = `${name}_${process.pid}`;
  t.teardown(async () => {
    const c = new MongoClient(mongo.url);
    await c.db(dbName).dropDatabase().catch(() => {});
    await c.close();
  });
  await writeFixtures({ redisUrl: redis.url, mongoUrl: mongo.url, dbName });
  const api = await startGradesApi({ mongoUrl: mongo.url, dbName, redisUrl: redis.url });
  t.teardown(() => api.close());
  return { redisUrl: redis.url, mongoUrl: mongo.url, dbName, apiUrl: api.url };
}
