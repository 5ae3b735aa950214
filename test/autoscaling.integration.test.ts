/**
 * The real HPA controller scales a route up and down. Real: kube-apiserver, kube-controller-manager
 * (its HPA controller), kube-scheduler and etcd as `npm run k8s:sim` builds them, kwok's node and pods,
 * metrics-server, the HPAs and Deployments of k8s/ (autoscale/control-plane.ts), and the local stack's
 * services and stores. Load goes to route B's redis-writer replicas alone (round-robin over the ready
 * ones, as clients of its Service would), so its HPA must scale it and leave route A's two alone.
 *
 * Set for a test (each said where it is set): the controller's sync period is 5 s
 * (--horizontal-pod-autoscaler-sync-period, a real flag; 15 s by default), and every HPA's behavior is
 * replaced with a 15 s scale-down window that may go straight to minReplicas (k8s/'s own 60 s window,
 * one pod per 30 s, would take over two minutes to come back to 1). The 50% CPU target is k8s/'s own.
 * Nothing is timed: the bounds only say how long to wait before failing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { startControlPlane } from '../autoscale/control-plane.js';
import { autoscaleManifests } from '../autoscale/manifests.js';
import { COURSE_PATH, HEADERS } from '../contract/http.js';
import { clusterProcesses } from '../k8s/sim/cluster.js';
import { REPO_ROOT } from '../k8s/lib/kustomize.js';
import { BUILD_COMMAND, missingTools } from '../k8s/sim/tools.js';
import { ClusterAutoscaling } from '../stack/autoscaling.js';
import type { ControllerEvent } from '../stack/replica-timeline.js';
import type { Deployment } from '../stack/deployment.js';
import { pause } from '../stack/process.js';
import { startStack, type RunningStack } from '../stack/stack.js';

t.setTimeout(12 * 60_000);

async function until(what: string, timeoutMs: number, ok: () => boolean): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (ok()) return true;
    await pause(1000);
  }
  t.comment(`not within ${timeoutMs / 1000} s: ${what}`);
  return ok();
}

/** Requests to the ready replicas of a Deployment, round-robin, from `concurrency` workers, until stopped. */
function load(dep: Deployment, concurrency: number): { answered: Map<string, Record<string, number>>; stop: () => Promise<void> } {
  const answered = new Map<string, Record<string, number>>();
  let running = true;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (running) {
      const ready = dep.slots.filter((s) => s.supervisor?.pid !== undefined);
      const slot = ready[n % Math.max(1, ready.length)];
      const i = n++;
      if (slot === undefined) {
        await pause(100);
        continue;
      }
      const byStatus = answered.get(slot.name) ?? {};
      answered.set(slot.name, byStatus);
      try {
        const res = await fetch(`http://127.0.0.1:${slot.port}${COURSE_PATH}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [HEADERS.runId]: 'autoscale-test', [HEADERS.idempotencyKey]: `autoscale-test-${i}` },
          body: JSON.stringify({ curso: 'SO1', facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE', nota: 70 }),
          signal: AbortSignal.timeout(10_000),
        });
        await res.arrayBuffer();
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
      } catch {
        // A replica being stopped refuses: counted as none.
        byStatus.failed = (byStatus.failed ?? 0) + 1;
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    answered,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

/** The TCP connections these processes hold (/proc/<pid>/fd and net/tcp{,6}): how many to loopback, and the other peers. */
function tcpPeers(pids: number[]): { loopback: number; others: string[] } {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`, 'utf8'));
        if (m) inodes.add(m[1] as string);
      }
    } catch {
      // gone meanwhile
    }
  }
  const peers = { loopback: 0, others: [] as string[] };
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      const [remote = '', inode = ''] = [f[2], f[9]];
      if (!inodes.has(inode)) continue;
      const addr = remote.split(':')[0] ?? '';
      // IPv4 is one little-endian word (127.x.x.x ends in 7F); IPv6 is four (::1; ::ffff:127.x.x.x; :: unconnected).
      if (/^0+$/.test(addr)) continue; // listening
      const loopback = (addr.length === 8 && addr.endsWith('7F')) || addr === '00000000000000000000000001000000' || (addr.startsWith('0000000000000000FFFF0000') && addr.endsWith('7F'));
      if (loopback) peers.loopback++;
      else peers.others.push(remote);
    }
  }
  return peers;
}

t.test('under load on route B the real HPA controller scales redis-writer up, the local processes follow, and back down when the load stops', async (t) => {
  const missing = missingTools();
  if (missing !== undefined) return void t.fail(missing);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-autoscale-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const own = autoscaleManifests().hpas.find((h) => h.metadata.name === 'redis-writer');
  const behavior = { ...own?.spec.behavior, scaleDown: { stabilizationWindowSeconds: 15, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } };
  const plane = await startControlPlane({ settings: { hpaSyncPeriodSeconds: 5, metricResolutionSeconds: 15 }, overrides: { behavior }, log: (l) => t.comment(l) });
  const workdir = plane.cluster.workdir;
  // One teardown, in order: the loops, the local processes, then the control plane.
  const started: { stack?: RunningStack; autoscaling?: ClusterAutoscaling } = {};
  t.teardown(async () => {
    await started.autoscaling?.stop();
    await started.stack?.stop();
    plane.stop();
  });
  t.match(plane.versions['kube-controller-manager'], /v1\.36\.3/, `the real controller: ${plane.versions['kube-controller-manager']}`);
  t.ok(plane.flags.includes('kube-controller-manager --horizontal-pod-autoscaler-sync-period=5s'), plane.flags.join(', '));
  t.same(plane.processes().map((p) => p.name).sort(), ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok-controller', 'metrics-server']);

  const replicas = Object.fromEntries(plane.deployments.map((d) => [d.deployment, { initial: d.minReplicas, max: d.maxReplicas }]));
  const stack = (started.stack = await startStack({ port: 0, dir, replicas }));
  const autoscaling = (started.autoscaling = new ClusterAutoscaling({ plane, deployments: stack.deployments, onEvent: (e) => (e.count === 1 || e.reason === 'SuccessfulRescale') && t.comment(`controller: ${e.hpa} ${e.reason}: ${e.message}`) }));
  await autoscaling.ready();
  const timeline = autoscaling.timeline;
  t.same(Object.values(stack.deployments).map((d) => d.replicas), [1, 1, 1], 'each service starts at its minReplicas');

  const writer = stack.deployments['redis-writer'];
  const traffic = load(writer, 4);
  const scaledUp = (): boolean => timeline.changes.some((c) => c.deployment === 'redis-writer' && c.to > c.from && c.doneAt !== null);
  t.ok(await until('redis-writer scaled up and its new processes ready', 180_000, scaledUp), 'the local redis-writer processes followed a scale-up');
  // Until every running replica has answered and a new one's CPU has been fed (its second reading, FEED_MS later).
  await until('every redis-writer replica answered', 30_000, () => writer.running.length > 1 && writer.slots.filter((s) => s.supervisor).every((s) => (traffic.answered.get(s.name)?.['201'] ?? 0) > 0));
  await until("a new replica's CPU fed", 30_000, () => timeline.cpu.some((c) => c.replica === 'redis-writer-2' && c.millicores > 0));
  const peers = tcpPeers(plane.processes().map((p) => p.pid));
  await traffic.stop();

  const upEvent = (): ControllerEvent | undefined => timeline.events.find((e) => e.hpa === 'redis-writer' && e.reason === 'SuccessfulRescale' && /above target/.test(e.message));
  await until('the scale-up event read', 10_000, () => upEvent() !== undefined);
  const up = upEvent();
  t.ok(up, `the controller's event: ${up?.message}`);
  const newSize = Number(/New size: (\d+)/.exec(up?.message ?? '')?.[1]);
  t.ok(newSize > 1, `the controller set ${newSize} replicas`);
  t.ok(timeline.desired.some((d) => d.deployment === 'redis-writer' && d.replicas === newSize), "the Deployment's .spec.replicas, as read from the API server");
  const followed = timeline.changes.find((c) => c.deployment === 'redis-writer' && c.to === newSize);
  t.ok(followed && followed.doneAt !== null && followed.error === undefined, `the local processes followed: ${JSON.stringify(followed)}`);
  const served = Object.fromEntries([...traffic.answered].map(([slot, s]) => [slot, s['201'] ?? 0]));
  t.ok(Object.keys(served).length > 1 && Object.values(served).every((n) => n > 0), `each replica acknowledged writes: ${JSON.stringify(served)}`);
  t.ok(timeline.cpu.some((c) => c.replica === 'redis-writer-2' && c.millicores > 0), "a new replica's CPU was fed to its pod");
  t.ok(timeline.status.some((s) => s.hpa === 'redis-writer' && (s.utilizationPercent ?? 0) > 50), `the controller computed more than the 50% target: ${timeline.status.filter((s) => s.hpa === 'redis-writer').map((s) => s.utilizationPercent).join(', ')}%`);
  for (const other of ['grpc-client', 'grpc-server']) t.notOk(timeline.desired.some((d) => d.deployment === other && d.replicas > 1), `${other} (no load) stayed at 1`);
  t.ok(peers.loopback > 0, `the control plane's components hold ${peers.loopback} connections to 127.0.0.1`);
  t.same(peers.others, [], 'and none to any other address');

  const scaledDown = (): boolean => timeline.changes.some((c) => c.deployment === 'redis-writer' && c.from > 1 && c.to === 1 && c.doneAt !== null);
  const downEvent = (): ControllerEvent | undefined => timeline.events.find((e) => e.hpa === 'redis-writer' && e.reason === 'SuccessfulRescale' && /below target/.test(e.message));
  // The events are read every WATCH_MS, the Deployments every FOLLOW_MS: wait for both.
  await until('redis-writer back to 1, and its event', 180_000, () => scaledDown() && downEvent() !== undefined);
  t.ok(scaledDown(), 'with the load stopped, the local processes followed a scale-down to 1');
  const down = downEvent();
  t.match(down?.message, /^New size: 1; reason: All metrics below target$/, `the controller's event: ${down?.message}`);
  t.equal(writer.replicas, 1, 'one redis-writer process runs');

  const final = await autoscaling.stop();
  t.equal(final.apiErrors.count, 0, `no API call failed ${JSON.stringify(final.apiErrors.first)}`);
  plane.stop();
  t.same(clusterProcesses(workdir), [], 'no process of the control plane is left');
  t.notOk(existsSync(workdir), 'and its folder is gone');
});

t.test('--autoscale with the control plane not built and no way to build it: says it builds it, shows the build, fails naming the command', async (t) => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'splitbench-autoscale-nobuild-'));
  // Go marks module files read-only; make them removable.
  t.teardown(() => {
    spawnSync('chmod', ['-R', 'u+w', scratch]);
    rmSync(scratch, { recursive: true, force: true });
  });
  // No cached binaries, no module cache and no module proxy: the build it starts fails at once.
  const env = { ...process.env, SPLITBENCH_CACHE: path.join(scratch, 'cache'), GOMODCACHE: path.join(scratch, 'gomod'), GOPROXY_SPLITBENCH: 'off' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'demo/main.ts', '--autoscale', '--duration', '5s', '--out', path.join(scratch, 'results')], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
  t.match(r.stderr, /the control plane's tools are not built yet: building them once per machine .*about 18 minutes/, 'says it builds them, and how long that takes');
  t.match(r.stderr, /\[install-k8s-tools\] \[1\/8\] building etcd from the Go module proxy/, "the build's progress lines");
  t.match(r.stderr, new RegExp(`demo: failed: building the tools failed after \\d+ s .*${BUILD_COMMAND}`), 'fails naming the command');
  t.equal(r.status, 1);
  t.notMatch(r.stderr, /starting the local stack/, 'and starts nothing');
});
