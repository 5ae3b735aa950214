import { DEFAULT_PORTS, DEFAULTS, SERVICES } from '../contract/services.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { readCommon, readInt, readPort, readString, readUrl, type CommonConfig, type Env } from '../service-kit/config.js';

export interface GrpcServerConfig extends CommonConfig {
  /** gRPC port. */
  port: number;
  /** HTTP side port for /healthz, /readyz and /metrics. */
  httpPort: number;
  mongoUrl: string;
  mongoDb: string;
  mongoTimeoutMs: number;
}

export function loadConfig(env: Env): GrpcServerConfig {
  return {
    ...readCommon(env, SERVICES.grpcServer),
    port: readPort(env, 'PORT', DEFAULT_PORTS.grpcServer),
    httpPort: readPort(env, 'HTTP_PORT', DEFAULT_PORTS.grpcServerHttp),
    mongoUrl: readUrl(env, 'MONGO_URL', DEFAULTS.MONGO_URL, ['mongodb:', 'mongodb+srv:']),
    mongoDb: readString(env, 'MONGO_DB', MONGO_DB_DEFAULT),
    mongoTimeoutMs: readInt(env, 'MONGO_TIMEOUT_MS', DEFAULTS.MONGO_TIMEOUT_MS, 50, 60_000),
  };
}
