/** Wiring: config, the two store clients (stores.ts), server, SIGTERM. The logic lives in server.ts and *-reads.ts. */
import { once } from 'node:events';
import { ConfigError } from '../service-kit/config.js';
import { createLogger } from '../service-kit/logger.js';
import { GRADES_API_NAME, HELP, loadConfig } from './config.js';
import { createGradesApi } from './server.js';
import { connectGradesApiStores } from './stores.js';

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
  const stores = connectGradesApiStores({ ...config, onRedisError: (err) => logger.debug('redis connection error', { err: err.message }) });
  const server = createGradesApi({ ...stores.deps, logger });
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
      stores.close().then(
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
