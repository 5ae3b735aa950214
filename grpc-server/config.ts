import { DEFAULT_PORTS, SERVICES } from '../contract/services.js';
import { readCommon, readMongo, readPort, type CommonConfig, type Env, type MongoConfig } from '../service-kit/config.js';

export interface GrpcServerConfig extends CommonConfig, MongoConfig {
  /** gRPC port. */
  port: number;
  /** HTTP side port for /healthz, /readyz and /metrics. */
  httpPort: number;
}

export function loadConfig(env: Env): GrpcServerConfig {
  return {
    ...readCommon(env, SERVICES.grpcServer),
    port: readPort(env, 'PORT', DEFAULT_PORTS.grpcServer),
    httpPort: readPort(env, 'HTTP_PORT', DEFAULT_PORTS.grpcServerHttp),
    ...readMongo(env),
  };
}
