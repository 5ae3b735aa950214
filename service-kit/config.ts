/**
 * Reading env config once at start. Every reader throws a ConfigError naming the variable, the bad
 * value and what is expected, so a misconfigured pod says why in its first log line.
 */
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import os from 'node:os';
import { DEFAULTS } from '../contract/services.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';
import { redactText, rememberUrlSecrets } from './secrets.js';

/** Its message never holds a password: values are echoed to say what is wrong, masked (secrets.ts). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(message: string) {
    super(redactText(message));
  }
}

export type Env = Record<string, string | undefined>;

function raw(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

export function readString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = raw(env, name);
  if (v === undefined) return fallback;
  if (!/^-?[0-9]+$/.test(v)) throw new ConfigError(`${name}=${JSON.stringify(v)} is not an integer; expected ${min}..${max}`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(`${name}=${v} is out of range; expected ${min}..${max}`);
  return n;
}

export function readPort(env: Env, name: string, fallback: number): number {
  // 0 lets the OS pick a free port (tests and the local stack use it).
  return readInt(env, name, fallback, 0, 65535);
}

export function readUrl(env: Env, name: string, fallback: string, protocols: string[]): string {
  const v = raw(env, name) ?? fallback;
  // Before any check: a bad value's password must be masked in the error too.
  rememberUrlSecrets(v);
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${name}=${JSON.stringify(v)} is not a URL; expected e.g. ${fallback}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name}=${JSON.stringify(v)} must use ${protocols.join(' or ')}; expected e.g. ${fallback}`);
  }
  return v;
}

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:[0-9]{1,5}$/;

/** One host:port, or several separated by commas (the local stack's replicas; a client balances over them). */
export function readHostPorts(env: Env, name: string, fallback: string): string[] {
  const v = raw(env, name) ?? fallback;
  const list = v.split(',').map((s) => s.trim());
  if (list.some((a) => !HOST_PORT.test(a))) {
    throw new ConfigError(`${name}=${JSON.stringify(v)} must be host:port (or a comma-separated list of them), e.g. ${fallback}`);
  }
  return list;
}

export function readLogLevel(env: Env): LogLevel {
  const v = raw(env, 'LOG_LEVEL') ?? DEFAULTS.LOG_LEVEL;
  if (!(LOG_LEVELS as string[]).includes(v)) {
    throw new ConfigError(`LOG_LEVEL=${JSON.stringify(v)} is not one of ${LOG_LEVELS.join(', ')}`);
  }
  return v as LogLevel;
}

/** Instance id sent in X-Instance and stored with records: the pod name in Kubernetes. */
export function readInstanceId(env: Env, service: string): string {
  const v = raw(env, 'INSTANCE_ID') ?? `${service}-${os.hostname()}-${process.pid}`;
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(v)) throw new ConfigError(`INSTANCE_ID=${JSON.stringify(v)} must be 1-128 of [A-Za-z0-9._-]`);
  return v;
}

/** Settings every service shares. */
export interface CommonConfig {
  host: string;
  shutdownGraceMs: number;
  instanceId: string;
  logLevel: LogLevel;
}

export function readCommon(env: Env, service: string): CommonConfig {
  return {
    host: readString(env, 'HOST', DEFAULTS.HOST),
    shutdownGraceMs: readInt(env, 'SHUTDOWN_GRACE_MS', DEFAULTS.SHUTDOWN_GRACE_MS, 0, 600_000),
    instanceId: readInstanceId(env, service),
    logLevel: readLogLevel(env),
  };
}

/** Where a service's MongoDB is: the same three settings wherever a service writes or reads records. */
export interface MongoConfig {
  mongoUrl: string;
  mongoDb: string;
  mongoTimeoutMs: number;
  mongoInsertBatch: number;
}

export function readMongo(env: Env): MongoConfig {
  return {
    mongoUrl: readUrl(env, 'MONGO_URL', DEFAULTS.MONGO_URL, ['mongodb:', 'mongodb+srv:']),
    mongoDb: readString(env, 'MONGO_DB', MONGO_DB_DEFAULT),
    mongoTimeoutMs: readInt(env, 'MONGO_TIMEOUT_MS', DEFAULTS.MONGO_TIMEOUT_MS, 50, 60_000),
    mongoInsertBatch: readInt(env, 'MONGO_INSERT_BATCH', DEFAULTS.MONGO_INSERT_BATCH, 1, 1000),
  };
}
