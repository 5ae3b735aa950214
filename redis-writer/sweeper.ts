/**
 * Route B's two stores converge. A record is inserted into MongoDB marked `countPending`, counted in
 * Redis (one idempotent Lua script, guarded by the record's `seen` marker), then unmarked. The sweeper
 * counts every record left marked once its request is surely over, so MongoDB and Redis agree whether
 * or not anyone retries. Why that holds whichever step a crash interrupts (docs/architecture.md):
 * - before the insert: nothing stored, nothing acknowledged;
 * - after the insert, before Redis: the mark stays; the sweeper counts it;
 * - after Redis, before the unmark: the sweeper runs the script again, the marker makes it a no-op,
 *   and it unmarks;
 * - a lost unmark (a batch not written): the same.
 * What it cannot repair: Redis losing acknowledged writes (a power cut inside AOF's one-second fsync
 * window) after the record was unmarked, or a marker expired (7 days) before a record was swept.
 */
import { GRADE_FIELDS, type Grade } from '../contract/grade.js';
import type { Logger } from '../service-kit/logger.js';
import type { GradeDocument, MongoGradeStore } from '../stores/mongo-grades.js';
import type { RedisAggregates } from '../stores/redis-aggregates.js';

export interface SweeperOptions {
  mongo: MongoGradeStore;
  redis: RedisAggregates;
  logger: Logger;
  /** A record younger than this may still have its request in flight: leave it to the request. */
  settleMs: number;
  intervalMs?: number;
  /** Records per sweep. */
  batch?: number;
  /** Unmark at most this often (one update for many records). */
  flushMs?: number;
  now?: () => number;
}

function gradeOf(doc: GradeDocument): Grade {
  const g: Record<string, unknown> = {};
  for (const f of GRADE_FIELDS) if (doc[f] !== undefined && doc[f] !== null) g[f] = doc[f];
  return g as unknown as Grade;
}

export class CountSweeper {
  /** Records the sweeper counted (its requests had not). */
  swept = 0;
  private readonly toUnmark = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly opts: SweeperOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A record its own request has counted: unmark it with the next batch. */
  counted(id: string): void {
    this.toUnmark.add(id);
  }

  /** Counts what is left pending and older than settleMs; returns how many it counted now. */
  async sweepOnce(): Promise<number> {
    const pending = await this.opts.mongo.findCountPending(new Date(this.now() - this.opts.settleMs), this.opts.batch ?? 500);
    let countedNow = 0;
    for (const doc of pending) {
      const fresh = await this.opts.redis.apply({ id: doc._id, runId: doc.runId, route: doc.route, receivedAt: doc.receivedAt.toISOString(), grade: gradeOf(doc) });
      if (fresh) countedNow++;
      this.toUnmark.add(doc._id);
    }
    await this.flush();
    this.swept += countedNow;
    if (pending.length > 0) this.opts.logger.info('swept records left pending', { pending: pending.length, countedNow });
    return countedNow;
  }

  /** Writes the unmarks gathered so far (one update). */
  async flush(): Promise<void> {
    const ids = [...this.toUnmark];
    this.toUnmark.clear();
    try {
      await this.opts.mongo.markCounted(ids);
    } catch (err) {
      // Left marked: the next sweep counts them again (a no-op) and unmarks them.
      this.opts.logger.warn('could not unmark counted records; the sweeper will', { count: ids.length, err });
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
      if (this.toUnmark.size > 0) this.running = this.running.then(() => this.flush());
      if (!this.stopped) this.flushTimer = setTimeout(flush, this.opts.flushMs ?? 200).unref();
    };
    this.sweepTimer = setTimeout(sweep, this.opts.intervalMs ?? 1000).unref();
    this.flushTimer = setTimeout(flush, this.opts.flushMs ?? 200).unref();
  }

  /** Stops the loops and writes the last unmarks (at shutdown, before the stores close). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.sweepTimer);
    clearTimeout(this.flushTimer);
    await this.running.catch(() => {});
    await this.flush();
  }
}
