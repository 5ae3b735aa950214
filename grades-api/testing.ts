/**
 * Test support: grades-api's server (server.ts, wired by stores.ts as main.ts wires it) on a loopback
 * port, reading a real MongoDB-wire server and a real redis-server. close() stops the server and both clients.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../service-kit/logger.js';
import { createGradesApi } from './server.js';
import { connectGradesApiStores } from './stores.js';

export interface RunningGradesApi {
  url: string;
  close(): Promise<void>;
}

export async function startGradesApi(opts: { mongoUrl: string; dbName: string; redisUrl: string; timeoutMs?: number }): Promise<RunningGradesApi> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  const stores = connectGradesApiStores({ mongoUrl: opts.mongoUrl, mongoDb: opts.dbName, mongoTimeoutMs: timeoutMs, redisUrl: opts.redisUrl, redisTimeoutMs: timeoutMs });
  await stores.redisConnected;
  const server = createGradesApi({ ...stores.deps, logger: createLogger({ service: 'grades-api-test' }, 'error', () => {}) });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stores.close();
    },
  };
}
