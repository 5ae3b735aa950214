/**
 * Graceful shutdown on SIGTERM and SIGINT: readiness turns 503, servers stop accepting and finish
 * in-flight requests within the grace period, then stores close and the process exits 0.
 * A second signal exits at once.
 */
import type { Server } from 'node:http';
import type { Logger } from './logger.js';

export interface ShutdownPlan {
  logger: Logger;
  graceMs: number;
  /** Flip readiness to 503 (and health status to NOT_SERVING). */
  startDraining(): void;
  /** Stop accepting and wait for in-flight work; called with the time left. */
  stopServing(graceMs: number): Promise<void>;
  /** Close store connections and channels. */
  closeResources(): Promise<void>;
  exit?: (code: number) => void;
}

export function onShutdownSignals(plan: ShutdownPlan): () => Promise<void> {
  const exit = plan.exit ?? ((code: number) => process.exit(code));
  let shutting: Promise<void> | undefined;
  const shutdown = (signal: string): Promise<void> => {
    if (shutting) {
      plan.logger.warn('second signal, exiting now', { signal });
      exit(1);
      return shutting;
    }
    plan.logger.info('shutting down', { signal, graceMs: plan.graceMs });
    shutting = (async () => {
      plan.startDraining();
      const started = Date.now();
      let code = 0;
      try {
        await plan.stopServing(plan.graceMs);
        await plan.closeResources();
        plan.logger.info('stopped', { ms: Date.now() - started });
      } catch (err) {
        code = 1;
        plan.logger.error('shutdown failed', { err });
      }
      exit(code);
    })();
    return shutting;
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  return () => shutdown('manual');
}

/** Closes an HTTP server: idle keep-alive sockets now, busy ones after their response, all after graceMs. */
export function closeHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    const force = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** Listens and resolves with the bound port (port 0 picks a free one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}
