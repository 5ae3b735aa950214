/** The local ingress as a process of the stack: started on a fixed port, ready when its /readyz says so. */
import path from 'node:path';
import { startProcess, waitForOutput, waitUntil, type ManagedProcess } from './process.js';
import { REPO_ROOT } from './tools.js';

export interface IngressLaunch {
  port: number;
  /** Every replica slot's base URL per route; the ingress uses the ready ones. */
  grpc: string[];
  redis: string[];
  routeFile: string;
  logFile: string;
}

export async function startIngress(opts: IngressLaunch): Promise<ManagedProcess> {
  const proc = startProcess({
    name: 'ingress',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(REPO_ROOT, 'ingress', 'main.ts'), '--port', String(opts.port), '--grpc', opts.grpc.join(','), '--redis', opts.redis.join(','), '--route-file', opts.routeFile],
    cwd: REPO_ROOT,
    logFile: opts.logFile,
  });
  await waitForOutput(proc, /"msg":"listening"/, 30_000);
  await waitUntil(proc, async () => (await fetch(`http://127.0.0.1:${opts.port}/readyz`)).status === 200, 30_000, 'ready (/readyz 200)');
  return proc;
}
