/**
 * What each process of a run uses, sampled as it runs: CPU time and resident memory of every process,
 * and the JavaScript heap of our own services. The services report themselves (/metrics:
 * process_cpu_seconds_total, process_resident_memory_bytes, nodejs_heap_size_used_bytes); redis-server,
 * the MongoDB-wire server, the ingress and k6 are read from the OS (/proc/<pid>/stat).
 */
import { readFile } from 'node:fs/promises';

export interface ResourceTarget {
  /** Process name in the stack (grpc-server-1, redis, mongo, ingress, k6). */
  name: string;
  pid: number;
  /** A service's /metrics URL; absent: read the OS. */
  metricsUrl?: string;
}

export interface ResourceSample {
  /** ms since the epoch */
  t: number;
  process: string;
  pid: number;
  /** CPU seconds this process instance has used since it started (user + system). */
  cpuSeconds: number;
  rssBytes: number;
  /** V8 heap in use (our Node services only). */
  heapUsedBytes?: number;
  source: 'metrics' | 'os';
}

const CLOCK_TICKS = 100; // getconf CLK_TCK on Linux x86-64 and arm64
const PAGE_BYTES = 4096; // getconf PAGESIZE

/** utime+stime and rss from /proc/<pid>/stat (fields 14, 15 and 24; the name in field 2 may hold spaces). */
export function parseProcStat(text: string): { cpuSeconds: number; rssBytes: number } {
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rss = Number(rest[21]);
  if (![utime, stime, rss].every(Number.isFinite)) throw new Error(`unreadable /proc stat: ${text.slice(0, 80)}`);
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS, rssBytes: rss * PAGE_BYTES };
}

/** The values of unlabelled-by-us samples in Prometheus text (default labels allowed). */
export function promValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/** CPU seconds and RSS of a process from /proc/<pid>/stat; undefined when it is gone. */
export async function readProcStat(pid: number): Promise<{ cpuSeconds: number; rssBytes: number } | undefined> {
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

async function sampleOne(target: ResourceTarget, t: number): Promise<ResourceSample | undefined> {
  try {
    if (target.metricsUrl !== undefined) {
      const text = await (await fetch(target.metricsUrl, { signal: AbortSignal.timeout(2000) })).text();
      const cpu = promValue(text, 'process_cpu_seconds_total');
      const rss = promValue(text, 'process_resident_memory_bytes');
      if (cpu === undefined || rss === undefined) return undefined;
      return { t, process: target.name, pid: target.pid, cpuSeconds: cpu, rssBytes: rss, heapUsedBytes: promValue(text, 'nodejs_heap_size_used_bytes'), source: 'metrics' };
    }
    const stat = await readProcStat(target.pid);
    return stat && { t, process: target.name, pid: target.pid, ...stat, source: 'os' };
  } catch {
    // Gone (killed by a fault, between restarts) or hung (a SIGSTOPped service cannot answer): no sample.
    return undefined;
  }
}

export class ResourceSampler {
  readonly samples: ResourceSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly targets: () => ResourceTarget[],
    private readonly everyMs = 5000,
  ) {}

  /** One sample of every target now. */
  async sample(): Promise<void> {
    const t = Date.now();
    const got = await Promise.all(this.targets().map((x) => sampleOne(x, t)));
    for (const s of got) if (s) this.samples.push(s);
  }

  start(): void {
    const tick = (): void => {
      this.pending = this.sample().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, this.everyMs).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops, after one last sample (so a run's end is measured). */
  async stop(): Promise<ResourceSample[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pending;
    await this.sample();
    return this.samples;
  }
}
