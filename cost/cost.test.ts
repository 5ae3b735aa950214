// CPU per acknowledged request and memory growth, from literal samples (the sampler's own readers are
// tested against real /proc and prom-client output in stack/resources.test.ts).
import t from 'tap';
import type { ResourceSample } from '../stack/resources.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { costRate, costReport } from './cost.js';
import { runWindow } from './run-window.js';
import { HEAP_GROWTH_BOUND_BYTES, memoryGrowth, slope } from './growth.js';
import { usageBetween } from './usage.js';

const s = (process: string, pid: number, t: number, cpuSeconds: number, rssBytes = 1e8, heapUsedBytes?: number): ResourceSample => ({
  t,
  process,
  pid,
  cpuSeconds,
  rssBytes,
  source: heapUsedBytes === undefined ? 'os' : 'metrics',
  ...(heapUsedBytes === undefined ? {} : { heapUsedBytes }),
});

t.test('CPU inside the window, across a restart, per route with MongoDB shared by stored records', async (t) => {
  const samples = [
    s('grpc-client-1', 10, 0, 5), s('grpc-client-1', 10, 10_000, 7),
    s('grpc-server-1', 11, 0, 1), s('grpc-server-1', 11, 4000, 1.5),
    // Killed and restarted: the new instance counts from its own first sample.
    s('grpc-server-1', 21, 6000, 0.2), s('grpc-server-1', 21, 10_000, 0.7),
    s('redis-writer-1', 12, 0, 3), s('redis-writer-1', 12, 10_000, 4),
    s('redis', 13, 0, 0), s('redis', 13, 10_000, 0.5),
    s('mongo', 14, 0, 10), s('mongo', 14, 10_000, 14, 3e8),
    s('k6', 15, 0, 0), s('k6', 15, 10_000, 3),
    s('k6', 15, 20_000, 9), // after the window
  ];
  const usage = usageBetween(samples, 0, 10_000);
  t.same(usage.find((u) => u.process === 'grpc-server-1'), { process: 'grpc-server-1', cpuMs: 1000, peakRssBytes: 1e8, samples: 4 }, '0.5 s + 0.5 s over two instances');
  t.equal(usage.find((u) => u.process === 'k6')?.cpuMs, 3000, 'nothing after the window');
  const report = costReport(usage, { from: 0, to: 10_000 }, { grpc: 100, redis: 100 }, { grpc: 150, redis: 50 });
  t.equal(report.routes.grpc.cpuMs, 2000 + 1000 + 4000 * 0.75, 'grpc-client + grpc-server + 3/4 of MongoDB');
  t.equal(report.routes.redis.cpuMs, 1000 + 500 + 4000 * 0.25, 'redis-writer + redis + 1/4 of MongoDB');
  t.equal(report.routes.grpc.cpuMsPerAck, 60);
  t.equal(report.routes.redis.cpuMsPerAck, 25);
  t.equal(report.routes.grpc.mongoShare, 0.75);
  t.equal(report.processes.find((p) => p.process === 'k6')?.cpuMsPerAck, 15, 'k6 shown apart: 3000 ms / 200 acks');
  t.equal(costReport(usage, { from: 0, to: 1 }, { grpc: 0, redis: 0 }, { grpc: 0, redis: 0 }).routes.grpc.cpuMsPerAck, null, 'no acks: no per-ack cost');
});

t.test('memory growth: a leak is sustained, a one-off step is not', async (t) => {
  t.equal(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 5 }]), 2);
  t.equal(slope([{ x: 0, y: 1 }]), null);
  const minute = 60_000;
  const leak: ResourceSample[] = [];
  const step: ResourceSample[] = [];
  for (let i = 0; i <= 20; i++) {
    leak.push(s('grpc-client-1', 1, i * minute, i, 1e8, 5e7 + i * 4 * 2 ** 20)); // 4 MiB a minute: 40 per 10 min
    step.push(s('redis-writer-1', 2, i * minute, i, 1e8, i < 3 ? 5e7 + i * 2e7 : 1.1e8)); // fills, then flat
  }
  const [client, writer] = memoryGrowth([...leak, ...step], 0);
  t.equal(client?.process, 'grpc-client-1');
  t.ok(client!.heapPer10Min! > HEAP_GROWTH_BOUND_BYTES && client!.sustained, `a leak of 40 MiB / 10 min is sustained (${client!.heapPer10Min})`);
  t.equal(writer?.sustained, false, 'a step that flattens is not');
  t.equal(writer?.heapSecondHalfPer10Min, 0);
});

t.test("a cost report's rate: acknowledged requests over its own window, and the replicas that ran", async (t) => {
  const usage = ['grpc-client-1', 'grpc-client-2', 'grpc-server-1', 'grpc-server-2', 'redis-writer-1', 'redis', 'mongo', 'ingress', 'k6'].map((process) => ({ process, cpuMs: 2000, peakRssBytes: 1, samples: 5 }));
  const report = costReport(usage, { from: 5000, to: 15_000 }, { grpc: 300, redis: 100 }, { grpc: 300, redis: 100 });
  t.same(costRate(report), { windowS: 10, achievedRps: 40, routeRps: { grpc: 30, redis: 10 }, replicas: { 'grpc-client': 2, 'grpc-server': 2, 'redis-writer': 1 } }, 'stores, ingress and k6 are not replicas');
  t.equal(costRate({ ...report, window: { from: 1, to: 1 } }).achievedRps, null, 'an empty window has no rate');
  // npm run cost --check reads the same rate from the run's cost.json.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-cost-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'cost.json'), JSON.stringify(report));
  t.same(runWindow(dir), { source: 'run', windowS: 10, replicas: 2, routeRps: { grpc: 30, redis: 10 }, cpuMsPerS: { 'grpc-client': 400, 'grpc-server': 400, 'redis-writer': 200, redis: 200, mongo: 200, ingress: 200, k6: 200 } });
});
