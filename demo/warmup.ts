/**
 * Warm-up before the measured run: JIT compilation, lazily loaded driver code, the first gRPC and
 * keep-alive connections and FerretDB's first table writes all land in the first second otherwise,
 * and a short run's p99 would measure start-up instead of steady state. Warm-up records carry
 * their own run id, so reconciliation of the measured run never sees them.
 */
import { readFileSync } from 'node:fs';
import { COURSE_PATH, HEADERS } from '../contract/http.js';

export interface WarmupResult {
  runId: string;
  sent: number;
  statuses: Record<string, number>;
}

export async function warmUp(opts: { baseUrl: string; runId: string; dataFile: string; requests: number; concurrency?: number }): Promise<WarmupResult> {
  const pool = JSON.parse(readFileSync(opts.dataFile, 'utf8')) as unknown[];
  if (pool.length === 0) throw new Error(`${opts.dataFile} holds no records`);
  const statuses: Record<string, number> = {};
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.requests) {
      const i = next++;
      const res = await fetch(opts.baseUrl + COURSE_PATH, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [HEADERS.runId]: opts.runId, [HEADERS.idempotencyKey]: `${opts.runId}-${i}` },
        body: JSON.stringify(pool[i % pool.length]),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  return { runId: opts.runId, sent: opts.requests, statuses };
}
