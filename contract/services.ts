/**
 * Service names, default ports and environment variable names. The same name runs through every
 * layer: folder = process = image = Deployment = `app` label = metrics `service` label.
 */

export const SERVICES = {
  grpcClient: 'grpc-client',
  grpcServer: 'grpc-server',
  redisWriter: 'redis-writer',
  ingress: 'ingress',
} as const;
export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];

/** The gRPC service route A calls, fully qualified as in proto/grades/v1 (a test checks the proto). */
export const GRADE_SERVICE_NAME = 'grades.v1.GradeService';

export const DEFAULT_PORTS = {
  ingress: 8080,
  grpcClient: 8081,
  redisWriter: 8082,
  grpcServer: 50051,
  /** grpc-server's HTTP side port for /healthz, /readyz and /metrics. */
  grpcServerHttp: 9090,
  /** grades-api/: the read-only JSON view of MongoDB the Grafana Infinity datasource reads. */
  gradesApi: 8090,
} as const;

/** Every environment variable a service reads, with what it means. Manifests' ConfigMaps use these keys. */
export const ENV = {
  HOST: 'HOST',
  PORT: 'PORT',
  HTTP_PORT: 'HTTP_PORT',
  MONGO_URL: 'MONGO_URL',
  MONGO_DB: 'MONGO_DB',
  MONGO_TIMEOUT_MS: 'MONGO_TIMEOUT_MS',
  MONGO_INSERT_BATCH: 'MONGO_INSERT_BATCH',
  REDIS_URL: 'REDIS_URL',
  GRPC_SERVER_ADDR: 'GRPC_SERVER_ADDR',
  GRPC_DEADLINE_MS: 'GRPC_DEADLINE_MS',
  REQUEST_TIMEOUT_MS: 'REQUEST_TIMEOUT_MS',
  SHUTDOWN_GRACE_MS: 'SHUTDOWN_GRACE_MS',
  INSTANCE_ID: 'INSTANCE_ID',
  LOG_LEVEL: 'LOG_LEVEL',
} as const;
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Which env names each service reads (the manifests' consistency test checks against this). */
export const SERVICE_ENV: Readonly<Record<'grpc-client' | 'grpc-server' | 'redis-writer', readonly EnvName[]>> = {
  'grpc-client': ['HOST', 'PORT', 'GRPC_SERVER_ADDR', 'GRPC_DEADLINE_MS', 'REQUEST_TIMEOUT_MS', 'SHUTDOWN_GRACE_MS', 'INSTANCE_ID', 'LOG_LEVEL'],
  'grpc-server': ['HOST', 'PORT', 'HTTP_PORT', 'MONGO_URL', 'MONGO_DB', 'MONGO_TIMEOUT_MS', 'MONGO_INSERT_BATCH', 'SHUTDOWN_GRACE_MS', 'INSTANCE_ID', 'LOG_LEVEL'],
  'redis-writer': ['HOST', 'PORT', 'MONGO_URL', 'MONGO_DB', 'MONGO_TIMEOUT_MS', 'MONGO_INSERT_BATCH', 'REDIS_URL', 'REQUEST_TIMEOUT_MS', 'SHUTDOWN_GRACE_MS', 'INSTANCE_ID', 'LOG_LEVEL'],
};

/** Defaults applied when an env var is absent. */
export const DEFAULTS = {
  HOST: '0.0.0.0',
  MONGO_URL: 'mongodb://127.0.0.1:27017/',
  REDIS_URL: 'redis://127.0.0.1:6379',
  GRPC_SERVER_ADDR: `127.0.0.1:${DEFAULT_PORTS.grpcServer}`,
  GRPC_DEADLINE_MS: 2000,
  REQUEST_TIMEOUT_MS: 5000,
  MONGO_TIMEOUT_MS: 2000,
  /** Records per MongoDB insert command at most: those that queue while one is in flight go together (stores/insert-batcher.ts); 1 sends each alone. */
  MONGO_INSERT_BATCH: 64,
  /** Kubernetes' terminationGracePeriodSeconds must exceed this. */
  SHUTDOWN_GRACE_MS: 10000,
  LOG_LEVEL: 'info',
} as const;
