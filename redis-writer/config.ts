import { DEFAULT_PORTS, DEFAULTS, SERVICES } from '../contract/services.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { readCommon, readInt, readPort, readString, readUrl, type CommonConfig, type Env } from '../service-kit/config.js';

export interface RedisWriterConfig extends CommonConfig {
  port: number;
  mongoUrl: string;
  mongoDb: string;
  mongoTimeoutMs: number;
  redisUrl: string;
  requestTimeoutMs: number;
}

/** Reads and validates the env once at start; throws ConfigError naming the variable. */
export function loadConfig(env: Env): RedisWriterConfig {
  return {
    ...readCommon(env, SERVICES.redisWriter),
    port: readPort(env, 'PORT', DEFAULT_PORTS.redisWriter),
    mongoUrl: readUrl(env, 'MONGO_URL', DEFAULTS.MONGO_URL, ['mongodb:', 'mongodb+srv:']),
    mongoDb: readString(env, 'MONGO_DB', MONGO_DB_DEFAULT),
    mongoTimeoutMs: readInt(env, 'MONGO_TIMEOUT_MS', DEFAULTS.MONGO_TIMEOUT_MS, 50, 60_000),
    redisUrl: readUrl(env, 'REDIS_URL', DEFAULTS.REDIS_URL, ['redis:', 'rediss:']),
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', DEFAULTS.REQUEST_TIMEOUT_MS, 50, 120_000),
  };
}
