// One short real autoscaling run: the local stack (real services and stores), each service's HPA read
// from k8s/, CPU measured from the OS while requests flow, and the autoscaler adds replicas. The HPAs'
// own 50% target needs more load than a test should make on a shared machine, so the target is 1%;
// the sync period is 3 s instead of 15 s. Nothing here is timed: the assertion is that replicas came.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { readAutoscaledDeployments } from '../autoscale/manifests.js';
import { warmUp } from '../demo/warmup.js';
import { LocalAutoscaler } from '../stack/autoscaling.js';
import { startStack } from '../stack/stack.js';
import { writeFileSync } from 'node:fs';

t.test('under load the autoscaler adds replicas, and the ingress and grpc-client use them', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-autoscale-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const hpas = readAutoscaledDeployments();
  const replicas = Object.fromEntries(hpas.map((h) => [h.deployment, { initial: h.minReplicas, max: h.maxReplicas }]));
  const stack = await startStack({ port: 0, dir, replicas });
  t.teardown(() => stack.stop());
  t.same(Object.values(stack.deployments).map((d) => d.replicas), [1, 1, 1], 'each HPA starts at its minReplicas');

  const autoscaler = new LocalAutoscaler({ deployments: stack.deployments, hpas, syncMs: 3000, targetPercent: 1 });
  autoscaler.start();
  const pool = path.join(dir, 'pool.json');
  writeFileSync(pool, JSON.stringify([{ curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 70 }]));
  const load = await warmUp({ baseUrl: stack.endpoints.ingress, runId: 'autoscale-test', dataFile: pool, requests: 900, concurrency: 4 });
  const timeline = await autoscaler.stop();
  t.ok((load.statuses['201'] ?? 0) > 0, `requests were acknowledged (${JSON.stringify(load.statuses)})`);

  const up = timeline.changes.filter((c) => c.to > c.from);
  t.ok(up.length > 0, `the autoscaler scaled up: ${JSON.stringify(timeline.changes)}`);
  t.ok(Object.values(stack.deployments).some((d) => d.replicas > 1), 'a service runs more than one replica now');
  t.ok(up.every((c) => c.utilizationPercent !== null && c.utilizationPercent > 1), 'each scale-up came from a measured CPU utilization above the target');
  t.ok(timeline.series.length >= 2 && timeline.series.at(-1)!.replicas['grpc-client']! >= 1, 'replica counts over time are recorded');
  t.ok(timeline.specs.every((s) => s.maxReplicas === 3 && s.minReplicas === 1), 'the HPAs of k8s/: 1..3 replicas');

  // The new replicas take traffic: the ingress balances over the ready REST replicas (X-Instance says
  // which answered) and grpc-client's channel over the grpc-server replicas (their own call counters).
  await new Promise((r) => setTimeout(r, 1500)); // one readiness poll of the ingress after the last start
  const instances = new Set<string>();
  for (let i = 0; i < 60; i++) {
    const res = await fetch(`${stack.endpoints.ingress}/course`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ curso: 'SO1', facultad: 'F', carrera: 'C', region: 'R' }) });
    await res.arrayBuffer();
    if (res.status === 201) instances.add(res.headers.get('x-instance') ?? '');
  }
  t.ok(instances.size >= 3, `answers came from several REST replicas: ${[...instances].join(', ')}`);
  const serverCalls = await Promise.all(
    stack.deployments['grpc-server'].slots.filter((s) => s.supervisor).map(async (s) => {
      const text = await (await fetch(`http://127.0.0.1:${s.httpPort}/metrics`)).text();
      return Number(/^splitbench_grpc_server_duration_seconds_count\{[^}]*code="OK"[^}]*\} (\d+)/m.exec(text)?.[1] ?? 0);
    }),
  );
  t.ok(serverCalls.filter((n) => n > 0).length >= 2, `calls reached several grpc-server replicas: ${serverCalls.join(', ')}`);
});
