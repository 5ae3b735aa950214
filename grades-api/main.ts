/** Wiring: config, MongoDB client, server, SIGTERM. The logic lives in server.ts and aggregations.ts. */
import { once } from 'node:events';
import { MongoClient } from 'mongodb';
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
  const server = createGradesApi({
    collection,
    ping: async () => {
      await client.db('admin').command({ ping: 1 });
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
      client.close().then(
        () => logger.info('stopped'),
        (err: unknown) => logger.warn('closing MongoDB client failed', { err }),
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
