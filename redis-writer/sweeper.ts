/**
 * Route B's two stores converge. Before a record is inserted into MongoDB, a pending marker is written (to the
 * small collection contract/stores.ts PENDING_COLLECTION); the record is counted in Redis (one idempotent
 * Lua script, guarded by the record's `seen` marker); then the marker goes. The sweeper counts every
 * record whose marker outlived its request, so MongoDB and Redis agree whether or not anyone retries.
 * Why that holds whichever step a crash interrupts (docs/architecture.md, "Route B's two stores"):
 * - before the marker, or between marker and record: no record, nothing acknowledged; the marker is
 *   left without a record and dropped once it is surely stale (ORPHAN_MS);
 * - after the record, before Redis: the marker stays; the sweeper counts the record;
 * - after Redis, before the marker is removed: the sweeper runs the script again, the seen marker
 *   makes it a no-op, and it removes the marker.
 * What it cannot repair: Redis losing acknowledged writes (a power cut inside AOF's one-second fsync
 * window) after the marker was removed, or a seen marker expired (7 days) before its record was swept.
 */
import { GRADE_FIELDS, type Grade } from '../contract/grade.js';
import type { Logger } from '../service-kit/logger.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import type { PendingCounts } from '../stores/pending-counts.js';
import type { RedisAggregates } from '../stores/redis-aggregates.js';

/**
 * A marker whose record is not there this long after: its insert failed for good. Dropped only this
 * late because a hung MongoDB may still commit an insert long after its client gave up.
 */
export const ORPHAN_MS = 10 * 60_000;

export interface SweeperOptions {
  pending: PendingCounts;
  redis: RedisAggregates;
  logger: Logger;
  /** A marker younger than this may still have its request in flight: leave it to the request. */
  settleMs: number;
  intervalMs?: number;
  /** Markers per sweep. */
  batch?: number;
  /** Remove markers at most this often (one delete for many). */
  flushMs?: number;
  now?: () => number;
}

function gradeOf(doc: GradeDocument): Grade {
  const g: Record<string, unknown> = {};
  for (const f of GRADE_FIELDS) if (doc[f] !== undefined && doc[f] !== null) g[f] = doc[f];
  return g as unknown as Grade;
}

export class CountSweeper {
  /** Records the sweeper counted (their requests had not). */
  swept = 0;
  private readonly done = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: SweeperOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A record its own request has counted (or that is not route B's to count): its marker can go. */
  counted(id: string): void {
    this.done.add(id);
  }

  /** Counts the records whose markers are older than settleMs; returns how many it counted now. */
  async sweepOnce(): Promise<number> {
    const stale = await this.opts.pending.stale(new Date(this.now() - this.opts.settleMs), this.opts.batch ?? 500);
    let countedNow = 0;
    let orphans = 0;
    for (const { marker, record } of stale) {
      if (record === null) {
        // No record (yet): its insert failed, or a hung MongoDB may still commit it. Keep it a while.
        if (this.now() - marker.receivedAt.getTime() >= ORPHAN_MS) {
          this.done.add(marker._id);
          orphans++;
        }
        continue;
      }
      // A record first stored by route A (a retry replayed here) is not route B's to count.
      if (record.route === 'redis' && (await this.opts.redis.apply({ id: record._id, runId: record.runId, route: record.route, receivedAt: record.receivedAt.toISOString(), grade: gradeOf(record) }))) countedNow++;
      this.done.add(marker._id);
    }
    await this.flush();
    this.swept += countedNow;
    if (countedNow > 0 || orphans > 0) this.opts.logger.info('swept records their requests left uncounted', { countedNow, orphans });
    return countedNow;
  }

  /** Removes the markers gathered so far (one delete). */
  async flush(): Promise<void> {
    const ids = [...this.done];
    this.done.clear();
    try {
      await this.opts.pending.clear(ids);
    } catch (err) {
      // Left in place: the next sweep counts them again (a no-op) and removes them.
      this.opts.logger.warn('could not remove pending markers; the sweeper will', { count: ids.length, err });
    }
  }

  start(): void {
    const sweep = (): void => {
      this.running = this.sweepOnce()
        .catch((err: unknown) => this.opts.logger.warn('sweep failed; will try again', { err }))
        .finally(() => {
          if (!this.stopped) this.sweepTimer = setTimeout(sweep, this.opts.intervalMs ?? 1000).unref();
        });
    };
    const flush = (): void => {
      if (this.done.size > 0) this.running = this.running.then(() => this.flush());
      if (!this.stopped) this.flushTimer = setTimeout(flush, this.opts.flushMs ?? 200).unref();
    };
    this.sweepTimer = setTimeout(sweep, this.opts.intervalMs ?? 1000).unref();
    this.flushTimer = setTimeout(flush, this.opts.flushMs ?? 200).unref();
  }

  /** Stops the loops and removes the last markers (at shutdown, before the stores close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.flushTimer);
    await this.running.catch(() => {});
    await this.flush();
  }
}
