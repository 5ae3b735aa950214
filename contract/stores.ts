/**
 * Where records and aggregates live. The services write these, the reconciler and the dashboards read
 * them: renaming anything here must break a test, never a dashboard silently.
 */

/** MongoDB database holding the records of both routes (overridable by MONGO_DB). */
export const MONGO_DB_DEFAULT = 'splitbench';
/** One document per acknowledged record; `_id` is the record id (Idempotency-Key or UUIDv7). */
export const GRADES_COLLECTION = 'grades';

/** Fields of a stored record besides the grade fields themselves. */
export const RECORD_FIELDS = {
  id: '_id',
  runId: 'runId',
  route: 'route',
  receivedAt: 'receivedAt',
  instance: 'instance',
  fingerprint: 'fingerprint',
} as const;

/** Indexes the writers ensure; the reconciler and dashboards query by run and route. */
export const GRADES_INDEXES = [{ key: { runId: 1, route: 1 }, name: 'runId_route' }] as const;

/** Run id used when a request carries no X-Run-Id header. */
export const NO_RUN_ID = 'none';

const PREFIX = 'splitbench:';

/**
 * Redis keys of route B's aggregates. Every record updates all of them in one Lua script, guarded by a
 * per-record marker, so a replay or a retry never counts twice.
 */
export const REDIS_KEYS = {
  /** Hash: records, graded (records with a nota), nota_sum, passed, failed. */
  totals: `${PREFIX}totals`,
  /** Hashes value -> count, one per dimension. */
  countBy: {
    curso: `${PREFIX}count:curso`,
    facultad: `${PREFIX}count:facultad`,
    carrera: `${PREFIX}count:carrera`,
    region: `${PREFIX}count:region`,
  },
  /** Hashes curso -> number, for average nota and pass/fail by curso. */
  gradedByCurso: `${PREFIX}graded:curso`,
  notaSumByCurso: `${PREFIX}nota_sum:curso`,
  passedByCurso: `${PREFIX}passed:curso`,
  failedByCurso: `${PREFIX}failed:curso`,
  /** Hash: runId -> records counted, for the reconciler. */
  runs: `${PREFIX}runs`,
  /** Stream of the latest records (capped), fields id and record (JSON). */
  recent: `${PREFIX}recent`,
  /** String per record id, set once; its presence means "already counted". */
  seen: (id: string): string => `${PREFIX}seen:${id}`,
  /**
   * Route B's to-do list: a sorted set, member = record id, score = when a request last set out to
   * write it (ms since the epoch). Added before the record goes to MongoDB, removed by the counting
   * script itself (atomically with the count), so a record a request left uncounted is counted by
   * redis-writer's sweeper. Small by design (only what is in flight or stuck): the sweeper reads the
   * stale end of it each second. One key for every replica, so any sweeper finishes any replica's work.
   */
  pending: `${PREFIX}pending`,
} as const;

/** Fields of the totals hash. */
export const TOTALS_FIELDS = ['records', 'graded', 'nota_sum', 'passed', 'failed'] as const;

/** Approximate length the recent stream is capped at (XADD MAXLEN ~). */
export const RECENT_STREAM_MAXLEN = 1000;
/** How long a "seen" marker lives: longer than any run plus its retries and reconciliation. */
export const SEEN_TTL_SECONDS = 7 * 24 * 3600;
