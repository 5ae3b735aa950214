/** redis-writer: REST service of route B. Wiring only; see service.ts. Run with --help for usage. */
import { ConfigError } from '../service-kit/config.js';
import { closeHttpServer, listen, onShutdownSignals } from '../service-kit/lifecycle.js';
import { createLogger } from '../service-kit/logger.js';
import { SERVICE_ENV } from '../contract/services.js';
import { loadConfig, type RedisWriterConfig } from './config.js';
import { createRedisWriter } from './service.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`redis-writer: POST /course writes each grade record to MongoDB and Redis aggregates (route B).
Configured by env: ${SERVICE_ENV['redis-writer'].join(', ')}.
Defaults: PORT=8082 HOST=0.0.0.0 MONGO_URL=mongodb://127.0.0.1:27017/ REDIS_URL=redis://127.0.0.1:6379
Endpoints: POST /course, GET /healthz, GET /readyz, GET /metrics. Stops cleanly on SIGTERM/SIGINT.`);
  process.exit(0);
}

let config: RedisWriterConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(`redis-writer: bad configuration: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
const logger = createLogger({ service: 'redis-writer', instance: config.instanceId }, config.logLevel);
const svc = createRedisWriter(config, logger);
onShutdownSignals({
  logger,
  graceMs: config.shutdownGraceMs,
  startDraining: svc.startDraining,
  stopServing: (grace) => closeHttpServer(svc.server, grace),
  closeResources: svc.closeResources,
});
try {
  const port = await listen(svc.server, config.port, config.host);
  logger.info('listening', { host: config.host, port, mongoDb: config.mongoDb });
} catch (err) {
  logger.error(`cannot listen on ${config.host}:${config.port}; set PORT to a free port`, { err });
  process.exit(1);
}
