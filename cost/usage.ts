/**
 * CPU and memory per process over a window of a run, from the samples stack/resources.ts took. A
 * process restarted by a fault has several pids: each instance's CPU counts from its own first sample.
 */
import type { ResourceSample } from '../stack/resources.js';

export interface ProcessUsage {
  process: string;
  /** CPU milliseconds used inside the window (every instance of the process). */
  cpuMs: number;
  peakRssBytes: number;
  /** Samples that fell inside the window. */
  samples: number;
}

/** The replica's service: grpc-server-2 -> grpc-server; stores, ingress and k6 keep their names. */
export const serviceOf = (process: string): string => process.replace(/-\d+$/, '');

export function usageBetween(samples: readonly ResourceSample[], from: number, to: number): ProcessUsage[] {
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  const byInstance = new Map<string, ResourceSample[]>();
  for (const s of inside) {
    const key = `${s.process}\u0000${s.pid}`;
    byInstance.set(key, [...(byInstance.get(key) ?? []), s]);
  }
  const out = new Map<string, ProcessUsage>();
  for (const list of byInstance.values()) {
    list.sort((a, b) => a.t - b.t);
    const first = list[0]!;
    const u = out.get(first.process) ?? { process: first.process, cpuMs: 0, peakRssBytes: 0, samples: 0 };
    u.cpuMs += Math.max(0, (list[list.length - 1]!.cpuSeconds - first.cpuSeconds) * 1000);
    u.peakRssBytes = Math.max(u.peakRssBytes, ...list.map((s) => s.rssBytes));
    u.samples += list.length;
    out.set(first.process, u);
  }
  return [...out.values()].sort((a, b) => a.process.localeCompare(b.process));
}
