/**
 * The process around a service, the same for all three: `--help`, env config validated once (exit 2
 * naming the variable), JSON logs, graceful shutdown on SIGTERM/SIGINT, and one "listening" line
 * that the local stack and the tests wait for. A service supplies only how it is built and bound.
 */
import { SERVICE_ENV } from '../contract/services.js';
import { ConfigError, type CommonConfig, type Env } from './config.js';
import { onShutdownSignals } from './lifecycle.js';
import { createLogger, type Logger } from './logger.js';

export interface ServiceInstance {
  /** Binds its ports; resolves with what the "listening" line should say (port, httpPort, ...). */
  listen(): Promise<Record<string, unknown>>;
  /** Readiness 503 (and gRPC health NOT_SERVING) from now on. */
  startDraining(): void;
  /** Stops accepting and waits for in-flight work, at most graceMs. */
  stopServing(graceMs: number): Promise<void>;
  closeResources(): Promise<void>;
}

export interface ServiceDefinition<C extends CommonConfig> {
  name: keyof typeof SERVICE_ENV;
  /** What it does and its defaults; the env names are appended from contract/services.ts. */
  help: string;
  loadConfig(env: Env): C;
  create(config: C, logger: Logger): ServiceInstance;
}

export async function runService<C extends CommonConfig>(def: ServiceDefinition<C>): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(`${def.help}\nConfigured by env: ${SERVICE_ENV[def.name].join(', ')}.\nStops cleanly on SIGTERM/SIGINT.`);
    process.exit(0);
  }
  let config: C;
  try {
    config = def.loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${def.name}: bad configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ service: def.name, instance: config.instanceId }, config.logLevel);
  const svc = def.create(config, logger);
  onShutdownSignals({ logger, graceMs: config.shutdownGraceMs, ...svc });
  try {
    const bound = await svc.listen();
    // Always written, whatever LOG_LEVEL says: the stack and the tests read the bound ports from it.
    logger.always('listening', { host: config.host, ...bound });
  } catch (err) {
    logger.error(`cannot listen on ${config.host}: ${(err as Error).message}; set its port variables to free ports`, { err });
    process.exit(1);
  }
}
