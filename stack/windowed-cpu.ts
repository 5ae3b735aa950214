/**
 * A process's CPU averaged over a trailing window, from /proc readings taken whenever asked: what
 * metrics-server would report for a container over its resolution (stack/autoscaling.ts feeds it to pods).
 */
import { readProcStat } from './resources.js';

export class WindowedCpu {
  /** pid -> its readings within the window: [ms, CPU seconds]. */
  private readonly history = new Map<number, [number, number][]>();

  constructor(private readonly windowMs: number) {}

  /** CPU millicores of `pid` over the window up to `now`; null until two readings exist; undefined when the process is gone. */
  async read(pid: number, now: number): Promise<{ millicores: number | null; rssBytes: number } | undefined> {
    const stat = await readProcStat(pid);
    if (stat === undefined) return undefined;
    const h = this.history.get(pid) ?? [];
    h.push([now, stat.cpuSeconds]);
    while (h.length > 2 && now - (h[1] as [number, number])[0] >= this.windowMs) h.shift();
    this.history.set(pid, h);
    const [t0, c0] = h[0] as [number, number];
    return { millicores: h.length < 2 || now === t0 ? null : Math.round(((stat.cpuSeconds - c0) / ((now - t0) / 1000)) * 1000), rssBytes: stat.rssBytes };
  }

  /** Forgets every process not in `live`. */
  keepOnly(live: ReadonlySet<number>): void {
    for (const pid of this.history.keys()) if (!live.has(pid)) this.history.delete(pid);
  }
}
