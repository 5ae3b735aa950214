/**
 * Route B's two stores converge. Before a record is inserted into MongoDB, a pending marker is added to
 * a sorted set in Redis (contract/stores.ts REDIS_KEYS.pending); the record is counted in Redis by one
 * idempotent Lua script, guarded by the record's `seen` key, that removes the marker in the same step.
 * The sweeper counts every record whose marker outlived its request, so MongoDB and Redis agree whether
 * or not anyone retries. Why that holds whichever step a crash interrupts (docs/architecture.md, "Route
 * B after a crash"):
 * - before the marker (or the marker write fails): nothing stored, nothing acknowledged;
 * - between marker and record: no record; the marker is dropped once surely stale (ORPHAN_MS);
 * - after the record, before the script: the marker stays; the sweeper counts the record, and the
 *   script removes the marker with the count;
 * - the script itself is atomic: counted and unmarked together, or neither.
 * Sweepers in several replicas may take the same marker: the `seen` key makes the second count a
 * no-op, and a marker goes only with its count, with its route-A record, or, left without a record,
 * only if no request has marked that record again since (PendingCounts.dropIfUnchanged).
 * What it cannot repair: Redis losing the marker of a record stored but not counted (a power cut
 * inside AOF's one-second fsync window, while the record's request fails), Redis losing acknowledged
 * counts, or a seen marker expired (7 days) before its record was swept.
 */
import { GRADE_FIELDS, type Grade } from '../contract/grade.js';
import type { Logger } from '../service-kit/logger.js';
import type { GradeDocument } from '../stores/mongo-grades.js';
import type { PendingCounts } from '../stores/pending-counts.js';
import type { RedisAggregates } from '../stores/redis-aggregates.js';

/** Pages of `batch` markers one sweep reads at most (the rest wait for the next sweep, a second later). */
const MAX_PAGES = 20;

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
  private sweepTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: SweeperOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Counts the records whose markers are older than settleMs; returns how many it counted now. */
  async sweepOnce(): Promise<number> {
    const { pending, redis } = this.opts;
    const before = new Date(this.now() - this.opts.settleMs);
    const batch = this.opts.batch ?? 500;
    let countedNow = 0;
    let orphans = 0;
    // Page through every stale marker, oldest first. Orphans still kept (younger than ORPHAN_MS) stay
    // in the set, so the next page starts after them: a MongoDB outage that left thousands of orphans
    // must not hide the records behind them, which a crash left uncounted, until the orphans age out.
    let offset = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const stale = await pending.stale(before, batch, offset);
      for (const { marker, record } of stale) {
        if (record === null) {
          // No record (yet): its insert failed, or a hung MongoDB may still commit it. Keep it a while.
          if (this.now() - marker.markedAt.getTime() >= ORPHAN_MS && (await pending.dropIfUnchanged(marker))) orphans++;
          else offset++;
          continue;
        }
        // A record first stored by route A (a retry replayed here) is not route B's to count.
        if (record.route !== 'redis') await pending.drop(marker._id);
        // The script removes the marker too, whether it counts now or found the record counted before.
        else if (await redis.apply({ id: record._id, runId: record.runId, route: record.route, receivedAt: record.receivedAt.toISOString(), grade: gradeOf(record) })) countedNow++;
      }
      if (stale.length < batch) break;
    }
    this.swept += countedNow;
    if (countedNow > 0 || orphans > 0) this.opts.logger.info('swept records their requests left uncounted', { countedNow, orphans });
    return countedNow;
  }


  start(): void {
    const sweep = (): void => {
      this.running = this.sweepOnce()
        .catch((err: unknown) => this.opts.logger.warn('sweep failed; will try again', { err }))
        .finally(() => {
          if (!this.stopped) this.sweepTimer = setTimeout(sweep, this.opts.intervalMs ?? 1000).unref();
        });
    };
    this.sweepTimer = setTimeout(sweep, this.opts.intervalMs ?? 1000).unref();
  }

  /** Stops the loop and waits for a sweep under way (at shutdown, before the stores close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    await this.running.catch(() => {});
  }
}
