/**
 * Baseline, route B's honest ceiling: a bare express handler doing redis-writer's store writes (the
 * pending marker in Redis, the MongoDB insert, the Redis script that counts and removes the marker) and
 * nothing else. redis-writer divided by this is what validation, idempotency, metrics and logging cost.
 *   npx tsx bench/baselines/express-stores.ts MONGO_URL DB REDIS_URL
 */
import express from 'express';
import type { Grade } from '../../contract/grade.js';
import { bareMongo, bareRedis } from './bare-stores.js';

const [mongoUrl, dbName, redisUrl] = process.argv.slice(2);
if (!mongoUrl || !dbName || !redisUrl) throw new Error('usage: express-stores.ts MONGO_URL DB REDIS_URL');
const mongo = await bareMongo(mongoUrl, dbName);
const redis = await bareRedis(redisUrl);
const app = express();
app.set('etag', false);
app.disable('x-powered-by');
app.post('/course', express.json({ limit: 16 * 1024 }), async (req, res) => {
  try {
    const grade = req.body as Grade;
    const { id, receivedAt } = await redis.mark();
    await mongo.insert(grade, 'redis', id, receivedAt);
    await redis.count(id, grade, receivedAt);
    res.status(201).json({ id, route: 'redis', receivedAt: receivedAt.toISOString() });
  } catch {
    res.status(503).end();
  }
});
const server = app.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ msg: 'listening', port: (server.address() as { port: number }).port })));
process.on('SIGTERM', () => {
  server.close(() => void Promise.all([mongo.close(), redis.close()]).then(() => process.exit(0)));
});
