/** Wiring: config, the two store clients, server, SIGTERM. The logic lives in server.ts and *-reads.ts. */
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
import { createClient } from 'redis';
import { GRADES_COLLECTION } from '../contract/stores.js';
import { ConfigError } from '../service-kit/config.js';
import { createLogger } from '../service-kit/logger.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import { GRADES_API_NAME, HELP, loadConfig } from './config.js';
import { createGradesApi } from './server.js';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${GRADES_API_NAME}: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  const logger = createLogger({ service: GRADES_API_NAME }, config.logLevel);
  // The driver connects lazily and reconnects by itself: /readyz reports MongoDB's state meanwhile.
  const client = new MongoClient(config.mongoUrl, {
    serverSelectionTimeoutMS: config.mongoTimeoutMs,
    connectTimeoutMS: config.mongoTimeoutMs,
    socketTimeoutMS: config.mongoTimeoutMs * 2,
    maxPoolSize: 5,
    appName: GRADES_API_NAME,
    readPreference: 'secondaryPreferred',
  });
  const collection = client.db(config.mongoDb).collection<GradeDocument>(GRADES_COLLECTION);
  const redis = createClient({
    url: config.redisUrl,
    // Fail reads at once while disconnected instead of queueing them: the panel shows the 503 now.
    disableOfflineQueue: true,
    socket: { connectTimeout: config.redisTimeoutMs, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000) },
  });
  // Without a listener node-redis throws on connection errors; /readyz reports Redis' state instead.
  redis.on('error', (err: Error) => logger.debug('redis connection error', { err: err.message }));
  redis.connect().catch((err: unknown) => logger.warn('redis not reachable yet', { err: String(err) }));
  const redisReads = redis.withCommandOptions({ timeout: config.redisTimeoutMs });
  const server = createGradesApi({
    collection,
    redis: redisReads,
    pingMongo: async () => {
      await client.db('admin').command({ ping: 1 });
    },
    pingRedis: async () => {
      await redisReads.ping();
    },
    logger,
  });
  server.listen(config.port, config.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  logger.info('listening', { host: config.host, port, db: config.mongoDb });

  const shutdown = (signal: string): void => {
    logger.info('shutting down', { signal });
    const force = setTimeout(() => {
      logger.warn('grace period over; closing open connections');
      server.closeAllConnections();
    }, config.shutdownGraceMs);
    force.unref();
    server.close(() => {
      // Not connected (Redis down): destroy() also stops the reconnect loop, which would keep us alive.
      const closeRedis = async (): Promise<void> => {
        if (redis.isReady) await redis.close();
        else redis.destroy();
      };
      Promise.all([client.close(), closeRedis()]).then(
        () => logger.info('stopped'),
        (err: unknown) => logger.warn('closing a store client failed', { err }),
      );
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`${GRADES_API_NAME}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
