/**
 * Route B's Redis aggregates, the numbers the Grades dashboard reads. One Lua script per record
 * updates every key atomically and only once per record id, so a replay or a retry after a partial
 * failure never counts twice and never leaves half a record counted.
 */
import { createClient } from 'redis';
import { passed, type Grade } from '../contract/grade.js';
import { REDIS_KEYS, RECENT_STREAM_MAXLEN, SEEN_TTL_SECONDS } from '../contract/stores.js';
import { UnavailableError } from '../service-kit/errors.js';
import { applyRecordScript, type ScriptArgs, type ScriptKeys } from './apply-record-script.js';
import { timed, type StoreObserver } from './observe.js';

export interface CountableRecord {
  id: string;
  runId: string;
  route: string;
  receivedAt: string;
  grade: Grade;
}

export interface RedisAggregatesOptions {
  url: string;
  /** How long a call waits for Redis's answer, so a hung Redis fails the request instead of holding it. */
  timeoutMs: number;
  observe?: StoreObserver;
  onError?: (err: Error) => void;
}

function createAggregatesClient(opts: RedisAggregatesOptions) {
  return createClient({
    url: opts.url,
    scripts: { applyRecord: applyRecordScript },
    // Fail commands at once while disconnected instead of queueing them behind a dead socket:
    // the client gets 503 now, not a timeout later.
    disableOfflineQueue: true,
    // node-redis's command timeout bounds only the wait to be written: it drops the timer once the
    // command is on the socket (6.3.1, commands-queue.js), so a Redis that hangs after that holds the
    // call for as long as it hangs. RedisAggregates bounds the wait for the answer itself (timed below);
    // this one still fails a command that cannot even be sent.
    commandOptions: { timeout: opts.timeoutMs },
    socket: {
      connectTimeout: opts.timeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000),
    },
  });
}

export type SplitbenchRedis = ReturnType<typeof createAggregatesClient>;

/** The script's named keys and arguments for one record. */
export function scriptInputs(rec: CountableRecord): { keys: ScriptKeys; args: ScriptArgs } {
  const g = rec.grade;
  const pass = passed(g);
  return {
    keys: {
      seen: REDIS_KEYS.seen(rec.id),
      totals: REDIS_KEYS.totals,
      countCurso: REDIS_KEYS.countBy.curso,
      countFacultad: REDIS_KEYS.countBy.facultad,
      countCarrera: REDIS_KEYS.countBy.carrera,
      countRegion: REDIS_KEYS.countBy.region,
      gradedCurso: REDIS_KEYS.gradedByCurso,
      notaSumCurso: REDIS_KEYS.notaSumByCurso,
      passedCurso: REDIS_KEYS.passedByCurso,
      failedCurso: REDIS_KEYS.failedByCurso,
      runs: REDIS_KEYS.runs,
      recent: REDIS_KEYS.recent,
      pending: REDIS_KEYS.pending,
    },
    args: {
      ttl: String(SEEN_TTL_SECONDS),
      curso: g.curso,
      facultad: g.facultad,
      carrera: g.carrera,
      region: g.region,
      nota: g.nota === undefined ? '' : String(g.nota),
      passed: pass === undefined ? '' : pass ? '1' : '0',
      runId: rec.runId,
      maxlen: String(RECENT_STREAM_MAXLEN),
      id: rec.id,
      record: JSON.stringify({ id: rec.id, runId: rec.runId, route: rec.route, receivedAt: rec.receivedAt, ...g }),
    },
  };
}

export class RedisAggregates {
  readonly client: SplitbenchRedis;
  private readonly observe: StoreObserver;
  private readonly connecting: Promise<unknown>;
  /** The first connection, or connectTimeout, whichever comes first (connect() stays pending while Redis is down). */
  private readonly firstConnect: Promise<unknown>;

  constructor(private readonly opts: RedisAggregatesOptions) {
    this.client = createAggregatesClient(opts);
    this.observe = opts.observe ?? (() => {});
    // Without a listener node-redis would throw on connection errors; we report them through readiness.
    this.client.on('error', (err: Error) => opts.onError?.(err));
    // Connect in the background: the service starts, reports not-ready, and recovers when Redis does.
    this.connecting = this.client.connect().catch((err: unknown) => opts.onError?.(err as Error));
    this.firstConnect = Promise.race([this.connecting, new Promise((resolve) => setTimeout(resolve, opts.timeoutMs).unref())]);
  }

  /** Counts the record once. Returns true when counted now, false when it had been counted before. */
  async apply(rec: CountableRecord): Promise<boolean> {
    const { keys, args } = scriptInputs(rec);
    const reply = await this.timed('apply', () => this.client.applyRecord(keys, args));
    return reply === 1;
  }

  async ping(): Promise<void> {
    await this.timed('ping', () => this.client.sendCommand(['PING']));
  }

  /** Any other command on this client, timed and failing as the count does (stores/pending-counts.ts). */
  run<T>(operation: string, fn: (client: SplitbenchRedis) => Promise<T>): Promise<T> {
    return this.timed(operation, () => fn(this.client));
  }

  async close(): Promise<void> {
    // connect() stays pending while Redis is down: do not wait for it, or close() would never end.
    await this.firstConnect;
    if (this.client.isReady) await this.client.close();
    else this.client.destroy();
  }

  /** Times the call; any failure means the count did not happen: report "unavailable". */
  private async timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    // A service that has only just started waits for its first connection (at most connectTimeout);
    // after that a disconnected client fails at once (disableOfflineQueue): 503 now, not a timeout later.
    await this.firstConnect;
    try {
      return await timed(this.observe, operation, () => answerWithin(this.opts.timeoutMs, fn()));
    } catch (err) {
      throw new UnavailableError(`Redis: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/**
 * The call's answer, or a rejection after `ms`: a Redis that hangs (SIGSTOP, a stuck host) fails the call
 * instead of holding the request. The command may still run later when Redis wakes: every caller's
 * command is safe to run late (the marker is only a hint, the counting script is guarded by its `seen`
 * key). The timer is cleared when the call settles.
 */
function answerWithin<T>(ms: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
