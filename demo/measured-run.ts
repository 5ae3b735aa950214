/**
 * The measured run: k6 through the ingress while, if asked, the fault plan breaks things on its clock,
 * and every process's CPU and memory are sampled. The plan's clock starts when the load does (the
 * ingress routes its first request of the run), not when k6 is launched.
 */
import { FaultInjector, type FaultRecord } from '../faults/injector.js';
import type { Fault, FaultTarget } from '../faults/plan.js';
import { ResourceSampler, type ResourceSample } from '../stack/resources.js';
import type { ClusterAutoscaling } from '../stack/autoscaling.js';
import type { ReplicaTimeline } from '../stack/replica-timeline.js';
import type { RunningStack } from '../stack/stack.js';
import { pause } from '../stack/process.js';
import type { Supervisor } from '../stack/supervisor.js';
import { runK6, type K6RunOptions, type K6RunResult } from './k6-run.js';
import { CpuMeter, type CpuSnapshot } from './machine.js';

export interface MeasuredRun {
  k6: K6RunResult;
  faults: FaultRecord[];
  resources: ResourceSample[];
  /** The machine's CPU times and each process's CPU (stack, k6, the demo) at the load's start and at k6's end. */
  cpu: { before: CpuSnapshot; after: CpuSnapshot } | undefined;
  /** Replica counts and scaling decisions over the run (with an autoscaler). */
  replicas: ReplicaTimeline | undefined;
  /** ms since the epoch: the load began (first request routed) and k6 ended. */
  loadStartedAt: number | null;
  endedAt: number;
}

/** A fault on a service hits its first running replica; on a store, the store. */
function faultTarget(stack: RunningStack, target: FaultTarget): Supervisor | undefined {
  if (target === 'mongo' || target === 'redis') return stack.processes.get(target);
  return stack.deployments[target].running[0];
}

/** Resolves with the time the ingress routes its first request after now (the load has begun). */
export async function loadStart(stack: RunningStack, until: Promise<unknown>): Promise<number | null> {
  const routed = async (): Promise<number> => Object.values(await stack.ingress.routed()).reduce((a, b) => a + b, 0);
  let done = false;
  void until.finally(() => (done = true));
  const before = await routed();
  while (!done) {
    if ((await routed().catch(() => before)) > before) return Date.now();
    await pause(100);
  }
  return null;
}

export async function measuredRun(stack: RunningStack, k6Options: K6RunOptions, plan: Fault[] | undefined, autoscaler: ClusterAutoscaling | undefined, say: (m: string) => void): Promise<MeasuredRun> {
  let k6Pid: number | undefined;
  const sampler = new ResourceSampler(() => [...stack.resourceTargets(), ...(k6Pid === undefined ? [] : [{ name: 'k6', pid: k6Pid }])], 5000);
  sampler.start();
  autoscaler?.start();
  const k6Run = runK6({ ...k6Options, onSpawn: (pid) => (k6Pid = pid) });
  // Who used the CPU (machine.ts): read together with the machine's times, every second, from /proc
  // only (cheap), until k6 ends. The demo's own children are the stack and k6: its own CPU only.
  const meter = new CpuMeter(() => [...stack.resourceTargets(), ...(k6Pid === undefined ? [] : [{ name: 'k6', pid: k6Pid }]), { name: 'demo', pid: process.pid, ownOnly: true }, ...(autoscaler?.controlPlaneProcesses() ?? [])], 'k6');
  const startedAt = loadStart(stack, k6Run);
  let injector: FaultInjector | undefined;
  let injected: Promise<FaultRecord[]> = Promise.resolve([]);
  const t0 = await startedAt;
  // A sample at the load's start, so the cost of the run is measured from there.
  if (t0 !== null) {
    meter.start();
    await sampler.sample();
  }
  if (plan !== undefined && t0 !== null) {
    injector = new FaultInjector({
      faults: plan,
      startAt: t0,
      lookup: (target) => faultTarget(stack, target),
      links: (link) => stack.links(link),
      replicas: (service) => (service === 'mongo' || service === 'redis' ? [] : stack.deployments[service].running),
      onFault: (r, phase) => say(phase === 'start' ? `fault ${r.index + 1}/${plan.length}: ${r.action} ${r.process}${r.duration ? ` for ${r.duration}s` : ''}` : `fault ${r.index + 1}/${plan.length}: ${r.process} is back (${((r.endedAt! - r.startedAt) / 1000).toFixed(1)} s)`),
    });
    injected = injector.run();
  }
  const k6 = await k6Run;
  const cpu = meter.stop();
  injector?.cancel();
  const faults = await injected;
  const replicas = await autoscaler?.stop();
  const resources = await sampler.stop();
  return { k6, faults, resources, replicas, cpu, loadStartedAt: t0, endedAt: Date.now() };
}

