/**
 * Starts splitbench's own services as separate processes (the way they run in a pod), on ports the OS
 * picks, and waits for each to say where it listens.
 */
import path from 'node:path';
import { startProcess, waitForOutput, waitUntil, type ManagedProcess } from './process.js';
import { REPO_ROOT } from './tools.js';

export type ServiceFolder = 'grpc-server' | 'grpc-client' | 'redis-writer';

export interface RunningService {
  name: ServiceFolder;
  proc: ManagedProcess;
  /** Main port: HTTP for the REST services, gRPC for grpc-server. */
  port: number;
  /** HTTP port serving /healthz, /readyz, /metrics. */
  httpPort: number;
  baseUrl: string;
  stop(graceMs?: number): Promise<void>;
}

export interface StartServiceOptions {
  env?: Record<string, string>;
  logFile?: string;
  /** Milliseconds to wait for the "listening" line. */
  timeoutMs?: number;
  /** The checkout to run the service from (another commit's, for a before/after benchmark); this one by default. */
  root?: string;
}

export async function startService(name: ServiceFolder, opts: StartServiceOptions = {}): Promise<RunningService> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    ...(name === 'grpc-server' ? { HTTP_PORT: '0' } : {}),
    SHUTDOWN_GRACE_MS: '5000',
    ...opts.env,
  };
  const proc = startProcess({
    name,
    command: process.execPath,
    // tsx compiles on load; `--import tsx` keeps node itself the process (signals reach it directly).
    args: ['--import', 'tsx', path.join(opts.root ?? REPO_ROOT, name, 'main.ts')],
    env,
    cwd: opts.root ?? REPO_ROOT,
    logFile: opts.logFile,
  });
  const match = await waitForOutput(proc, /"msg":"listening".*?"port":(\d+)(?:,"httpPort":(\d+))?/, opts.timeoutMs ?? 30_000);
  const port = Number(match[1]);
  const httpPort = match[2] ? Number(match[2]) : port;
  return {
    name,
    proc,
    port,
    httpPort,
    baseUrl: `http://127.0.0.1:${httpPort}`,
    stop: (graceMs = 10_000) => proc.stop(graceMs),
  };
}

/** Waits until the service's /readyz answers 200. */
export async function waitReady(svc: RunningService, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    svc.proc,
    async () => (await fetch(`${svc.baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).status === 200,
    timeoutMs,
    'ready (/readyz 200)',
  );
}
