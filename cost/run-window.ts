/**
 * A finished run as a cost window: each process's CPU per second and each route's acknowledged rate over
 * the measured window, read from the run's own cost.json (the demo writes it). A prediction from the
 * cost curves is checked against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { COST_SCHEMA, type CostReport } from './cost.js';
import type { CostWindow } from './curves.js';

export function runWindow(runDir: string): CostWindow {
  const file = path.join(runDir, 'cost.json');
  if (!existsSync(file)) throw new Error(`${file} does not exist: pass a results/<run-id>/ folder of a finished npm run demo`);
  const cost = JSON.parse(readFileSync(file, 'utf8')) as CostReport;
  if (cost.schema !== COST_SCHEMA) throw new Error(`${file}: schema ${JSON.stringify(cost.schema)}, expected ${COST_SCHEMA}`);
  const windowS = (cost.window.to - cost.window.from) / 1000;
  if (!(windowS > 0)) throw new Error(`${file}: the measured window is empty`);
  const cpuMsPerS: Record<string, number> = {};
  const replicas = new Map<string, number>();
  for (const p of cost.processes) {
    cpuMsPerS[p.service] = (cpuMsPerS[p.service] ?? 0) + p.cpuMs / windowS;
    replicas.set(p.service, (replicas.get(p.service) ?? 0) + 1);
  }
  // The demo runs every service with the same replicas (--replicas): the most of any service is that count.
  const n = Math.max(1, ...['grpc-client', 'grpc-server', 'redis-writer'].map((s) => replicas.get(s) ?? 0));
  const routeRps = Object.fromEntries(ROUTES.map((r) => [r, cost.routes[r].acknowledged / windowS])) as Record<RouteName, number>;
  return { source: 'run', windowS, replicas: n, routeRps, cpuMsPerS };
}
