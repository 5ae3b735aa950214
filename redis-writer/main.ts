/** redis-writer: REST service of route B. Wiring only; see service.ts. Run with --help for usage. */
import { SERVICES } from '../contract/services.js';
import { runService } from '../service-kit/run-service.js';
import { loadConfig } from './config.js';
import { createRedisWriter } from './service.js';

await runService({
  name: SERVICES.redisWriter,
  help: `redis-writer: POST /course writes each grade record to MongoDB and Redis aggregates (route B).
Defaults: PORT=8082 HOST=0.0.0.0 MONGO_URL=mongodb://127.0.0.1:27017/ REDIS_URL=redis://127.0.0.1:6379
Endpoints: POST /course, GET /healthz, GET /readyz, GET /metrics.`,
  loadConfig,
  create: createRedisWriter,
});
