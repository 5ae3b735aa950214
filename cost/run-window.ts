/**
 * A finished run as a cost window: each process's CPU per second and each route's acknowledged rate over
 * the measured window, read from the run's own cost.json (the demo writes it). A prediction from the
 * cost curves is checked against it.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { COST_SCHEMA, costRate, type CostReport } from './cost.js';
import type { CostWindow } from './curves.js';

export function runWindow(runDir: string): CostWindow {
  const file = path.join(runDir, 'cost.json');
  if (!existsSync(file)) throw new Error(`${file} does not exist: pass a results/<run-id>/ folder of a finished npm run demo`);
  const cost = JSON.parse(readFileSync(file, 'utf8')) as CostReport;
  if (cost.schema !== COST_SCHEMA) throw new Error(`${file}: schema ${JSON.stringify(cost.schema)}, expected ${COST_SCHEMA}`);
  const rate = costRate(cost);
  if (!(rate.windowS > 0)) throw new Error(`${file}: the measured window is empty`);
  const cpuMsPerS: Record<string, number> = {};
  for (const p of cost.processes) cpuMsPerS[p.service] = (cpuMsPerS[p.service] ?? 0) + p.cpuMs / rate.windowS;
  // The demo runs every service with the same replicas (--replicas): the most of any service is that count.
  const n = Math.max(1, ...Object.values(rate.replicas));
  return { source: 'run', windowS: rate.windowS, replicas: n, routeRps: rate.routeRps, cpuMsPerS };
}
