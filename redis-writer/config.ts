import { DEFAULT_PORTS, DEFAULTS, SERVICES } from '../contract/services.js';
import { readCommon, readInt, readMongo, readPort, readUrl, type CommonConfig, type Env, type MongoConfig } from '../service-kit/config.js';

export interface RedisWriterConfig extends CommonConfig, MongoConfig {
  port: number;
  redisUrl: string;
  requestTimeoutMs: number;
}

/** Reads and validates the env once at start; throws ConfigError naming the variable. */
export function loadConfig(env: Env): RedisWriterConfig {
  return {
    ...readCommon(env, SERVICES.redisWriter),
    port: readPort(env, 'PORT', DEFAULT_PORTS.redisWriter),
    ...readMongo(env),
    redisUrl: readUrl(env, 'REDIS_URL', DEFAULTS.REDIS_URL, ['redis:', 'rediss:']),
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', DEFAULTS.REQUEST_TIMEOUT_MS, 50, 120_000),
  };
}
