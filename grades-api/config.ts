/** grades-api settings, read and validated once at start (the same env names as the services). */
import { DEFAULT_PORTS, DEFAULTS } from '../contract/services.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { readInt, readLogLevel, readMongo, readPort, readString, readUrl, type Env } from '../service-kit/config.js';
import type { LogLevel } from '../service-kit/logger.js';

/** Not among contract's SERVICES (those are the benchmark's write path); its port is in DEFAULT_PORTS. */
export const GRADES_API_NAME = 'grades-api';
export const GRADES_API_PORT = DEFAULT_PORTS.gradesApi;

/** Connect and per-command timeout for Redis: a dashboard refresh should fail fast, not hang. */
const REDIS_TIMEOUT_MS_DEFAULT = 2000;

export interface GradesApiConfig {
  host: string;
  port: number;
  mongoUrl: string;
  mongoDb: string;
  mongoTimeoutMs: number;
  redisUrl: string;
  redisTimeoutMs: number;
  shutdownGraceMs: number;
  logLevel: LogLevel;
}

export function loadConfig(env: Env): GradesApiConfig {
  return {
    host: readString(env, 'HOST', DEFAULTS.HOST),
    port: readPort(env, 'PORT', GRADES_API_PORT),
    ...readMongo(env),
    redisUrl: readUrl(env, 'REDIS_URL', DEFAULTS.REDIS_URL, ['redis:', 'rediss:']),
    redisTimeoutMs: readInt(env, 'REDIS_TIMEOUT_MS', REDIS_TIMEOUT_MS_DEFAULT, 100, 60_000),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', DEFAULTS.SHUTDOWN_GRACE_MS, 0, 600_000),
    logLevel: readLogLevel(env),
  };
}

export const HELP = `grades-api: read-only JSON over the splitbench stores (MongoDB records, route B's Redis aggregates),
for Grafana's Infinity datasource.

Usage: tsx grades-api/main.ts [--help]

Environment:
  HOST               listen address (default ${DEFAULTS.HOST})
  PORT               listen port (default ${GRADES_API_PORT}; 0 picks a free one)
  MONGO_URL          MongoDB URL (default ${DEFAULTS.MONGO_URL})
  MONGO_DB           database (default ${MONGO_DB_DEFAULT})
  MONGO_TIMEOUT_MS   server selection and socket timeout (default ${DEFAULTS.MONGO_TIMEOUT_MS})
  REDIS_URL          Redis URL, password in it if any (default ${DEFAULTS.REDIS_URL})
  REDIS_TIMEOUT_MS   Redis connect and command timeout (default ${REDIS_TIMEOUT_MS_DEFAULT})
  SHUTDOWN_GRACE_MS  how long SIGTERM waits for open requests (default ${DEFAULTS.SHUTDOWN_GRACE_MS})
  LOG_LEVEL          debug | info | warn | error (default ${DEFAULTS.LOG_LEVEL})

Endpoints (GET only):
  MongoDB, filters curso, facultad, carrera, region, year, route, runId ("*" or empty = all):
    /v1/totals  /v1/by-curso  /v1/counts/<dimension>  /v1/latest?limit=N
  Redis (route B's running totals; no filters):
    /v1/redis/totals  /v1/redis/by-curso  /v1/redis/counts/<curso|facultad|carrera|region>  /v1/redis/latest?limit=N
  /healthz  /readyz (both stores reachable)
`;
