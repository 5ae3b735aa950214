/** For tests: stand-in REST services that answer like ours, and a real Envoy in front of them. */
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouteName } from '../contract/routes.js';
import { listen } from '../service-kit/lifecycle.js';
import { EnvoyIngress } from '../stack/envoy.js';
import { freePort } from '../stack/ports.js';
import type { ManagedProcess } from '../stack/process.js';

export interface StubBackend {
  url: string;
  /** POSTs it received. */
  received(): number;
  close(): Promise<void>;
}

/** Answers POST /course 201 with its X-Route after `delayMs`; /readyz with `ready` (default 200). */
export async function stubBackend(route: string, opts: { delayMs?: number; ready?: number } = {}): Promise<StubBackend> {
  let received = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/readyz') return void res.writeHead(opts.ready ?? 200, { 'content-type': 'application/json' }).end('{}');
    received++;
    req.resume();
    req.on('end', () => {
      setTimeout(() => res.writeHead(201, { 'content-type': 'application/json', 'x-route': route }).end(JSON.stringify({ id: 'x', route })), opts.delayMs ?? 0);
    });
  });
  const port = await listen(server, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface TestEnvoy {
  ingress: EnvoyIngress;
  proc: ManagedProcess;
  stop(): Promise<void>;
}

/** A real Envoy (the pinned binary) in front of the given endpoints, in a temporary folder. */
export async function startTestEnvoy(weights: Record<RouteName, number>, endpoints: Record<RouteName, string[]>, opts: { upstreamTimeoutMs?: number; waitReady?: boolean } = {}): Promise<TestEnvoy> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-envoy-'));
  const ingress = await EnvoyIngress.create({ port: await freePort(), dir, weights, endpoints, logFile: path.join(dir, 'envoy.log'), ...(opts.upstreamTimeoutMs ? { upstreamTimeoutMs: opts.upstreamTimeoutMs } : {}) });
  const proc = await ingress.start({ waitReady: opts.waitReady ?? true });
  return {
    ingress,
    proc,
    stop: async () => {
      await proc.stop(2000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST /course with a small JSON body; the answer, read. */
export async function postCourse(url: string): Promise<{ status: number; route: string | null; retryAfter: string | null; contentType: string | null; body: string }> {
  const res = await fetch(`${url}/course`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"curso":"SO1"}' });
  return { status: res.status, route: res.headers.get('x-route'), retryAfter: res.headers.get('retry-after'), contentType: res.headers.get('content-type'), body: await res.text() };
}
