/**
 * Route B: each record is marked pending in Redis, goes to MongoDB (the system of record, idempotent on
 * id) and then into the Redis aggregates (once per id), by one script that also removes the marker.
 * Mongo before the count: a record counted in Redis is always stored. If Redis fails after Mongo, the
 * client gets 503; its retry with the same Idempotency-Key finds the stored record and completes the
 * count, and if nobody retries the sweeper does, from the marker (sweeper.ts). Nothing is counted twice.
 */
import type { WriteRequest, WriteResult } from '../contract/record.js';
import type { Logger } from '../service-kit/logger.js';
import { createMetrics } from '../service-kit/metrics.js';
import { closeHttpServer, listen } from '../service-kit/lifecycle.js';
import { createRestServer } from '../service-kit/rest-app.js';
import type { ServiceInstance } from '../service-kit/run-service.js';
import { gradeStoreFor } from '../stores/mongo-grades.js';
import { RedisAggregates } from '../stores/redis-aggregates.js';
import type { RedisWriterConfig } from './config.js';
import { CountSweeper } from './sweeper.js';
import { PendingCounts } from '../stores/pending-counts.js';
import { SERVICE_ROUTE } from '../contract/routes.js';
import { SERVICES } from '../contract/services.js';

const ROUTE = SERVICE_ROUTE[SERVICES.redisWriter];

export function createRedisWriter(config: RedisWriterConfig, logger: Logger): ServiceInstance {
  const metrics = createMetrics({ service: SERVICES.redisWriter, route: ROUTE, instance: config.instanceId });
  const mongo = gradeStoreFor(config, metrics.observeStore('mongodb'));
  let lastRedisError = '';
  const redis = new RedisAggregates({
    url: config.redisUrl,
    timeoutMs: config.mongoTimeoutMs,
    observe: metrics.observeStore('redis'),
    onError: (err) => {
      // node-redis reports every failed reconnect; log each distinct problem once.
      if (err.message !== lastRedisError) logger.warn('redis connection problem', { err });
      lastRedisError = err.message;
    },
  });

  // Records whose count did not happen with their request are counted later (sweeper.ts says why that
  // converges). Once a request is over, its record is left to the sweeper: its deadline, plus a store
  // call that may still land after it.
  const pending = new PendingCounts(redis, mongo);
  const sweeper = new CountSweeper({ pending, redis, logger, settleMs: config.requestTimeoutMs + config.mongoTimeoutMs });

  const write = async (req: WriteRequest, deadline: number): Promise<WriteResult> => {
    const now = new Date();
    // The marker first: a record that exists without its count always has one (sweeper.ts). If Redis
    // does not take it, nothing is stored and the client gets 503. The insert ends by the request's
    // deadline (stores/mongo-grades.ts bounded); Redis commands by the client's command timeout.
    await pending.mark(req.id, now);
    const stored = await mongo.save(req, ROUTE, now, deadline);
    // Counts the record and removes its marker in one step.
    if (stored.route === ROUTE) await redis.apply({ id: stored.id, runId: req.runId, route: ROUTE, receivedAt: stored.receivedAt, grade: req.grade });
    // A replay of a record first stored by route A is not route B's to count; a failure here leaves the
    // marker to the sweeper, which drops it.
    else await pending.drop(stored.id).catch((err: unknown) => logger.warn('could not remove the pending marker of a route-A record; the sweeper will', { err }));
    return stored;
  };

  const ready = async (): Promise<string[]> => {
    const checks = await Promise.allSettled([mongo.ping(), redis.ping()]);
    return checks.flatMap((c) => (c.status === 'rejected' ? [String((c.reason as Error).message)] : []));
  };

  const { server, startDraining } = createRestServer({ route: ROUTE, instanceId: config.instanceId, logger, metrics, requestTimeoutMs: config.requestTimeoutMs, write, ready });
  return {
    listen: async () => {
      const port = await listen(server, config.port, config.host);
      sweeper.start();
      return { port, mongoDb: config.mongoDb };
    },
    startDraining,
    stopServing: (graceMs) => closeHttpServer(server, graceMs),
    closeResources: async () => {
      await sweeper.stop();
      await Promise.allSettled([mongo.close(), redis.close()]);
    },
  };
}
