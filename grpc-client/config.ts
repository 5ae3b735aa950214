import { DEFAULT_PORTS, DEFAULTS, SERVICES } from '../contract/services.js';
import { readCommon, readHostPorts, readInt, readPort, type CommonConfig, type Env } from '../service-kit/config.js';

export interface GrpcClientConfig extends CommonConfig {
  port: number;
  /** One address, or the local stack's replicas (balanced round-robin). */
  grpcServerAddrs: string[];
  grpcDeadlineMs: number;
  requestTimeoutMs: number;
}

export function loadConfig(env: Env): GrpcClientConfig {
  return {
    ...readCommon(env, SERVICES.grpcClient),
    port: readPort(env, 'PORT', DEFAULT_PORTS.grpcClient),
    grpcServerAddrs: readHostPorts(env, 'GRPC_SERVER_ADDR', DEFAULTS.GRPC_SERVER_ADDR),
    grpcDeadlineMs: readInt(env, 'GRPC_DEADLINE_MS', DEFAULTS.GRPC_DEADLINE_MS, 10, 120_000),
    requestTimeoutMs: readInt(env, 'REQUEST_TIMEOUT_MS', DEFAULTS.REQUEST_TIMEOUT_MS, 50, 120_000),
  };
}
