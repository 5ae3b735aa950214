/**
 * Route B's Redis aggregates, the numbers the Grades dashboard reads. One Lua script per record
 * updates every key atomically and only once per record id, so a replay or a retry after a partial
 * failure never counts twice and never leaves half a record counted.
 */
import { createClient } from 'redis';
import { passed, type Grade } from '../contract/grade.js';
import { REDIS_KEYS, RECENT_STREAM_MAXLEN, SEEN_TTL_SECONDS } from '../contract/stores.js';
import { UnavailableError } from '../service-kit/errors.js';
import { createHash } from 'node:crypto';
import { timed, type StoreObserver } from './observe.js';

export interface CountableRecord {
  id: string;
  runId: string;
  route: string;
  receivedAt: string;
  grade: Grade;
}

// KEYS: seen, totals, count:curso, count:facultad, count:carrera, count:region,
//       graded:curso, nota_sum:curso, passed:curso, failed:curso, runs, recent
// ARGV: ttl, curso, facultad, carrera, region, nota ('' when absent), passed ('1'|'0'|''), runId,
//       maxlen, id, record JSON
export const APPLY_SCRIPT = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then return 0 end
redis.call('HINCRBY', KEYS[2], 'records', 1)
redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
redis.call('HINCRBY', KEYS[4], ARGV[3], 1)
redis.call('HINCRBY', KEYS[5], ARGV[4], 1)
redis.call('HINCRBY', KEYS[6], ARGV[5], 1)
if ARGV[6] ~= '' then
  redis.call('HINCRBY', KEYS[2], 'graded', 1)
  redis.call('HINCRBY', KEYS[2], 'nota_sum', ARGV[6])
  redis.call('HINCRBY', KEYS[7], ARGV[2], 1)
  redis.call('HINCRBY', KEYS[8], ARGV[2], ARGV[6])
  if ARGV[7] == '1' then
    redis.call('HINCRBY', KEYS[2], 'passed', 1)
    redis.call('HINCRBY', KEYS[9], ARGV[2], 1)
  else
    redis.call('HINCRBY', KEYS[2], 'failed', 1)
    redis.call('HINCRBY', KEYS[10], ARGV[2], 1)
  end
end
redis.call('HINCRBY', KEYS[11], ARGV[8], 1)
redis.call('XADD', KEYS[12], 'MAXLEN', '~', ARGV[9], '*', 'id', ARGV[10], 'record', ARGV[11])
return 1
`;

/** Redis names a cached script by the SHA-1 of its text, so the SHA is known without asking Redis. */
const APPLY_SCRIPT_SHA = createHash('sha1').update(APPLY_SCRIPT).digest('hex');

export interface RedisAggregatesOptions {
  url: string;
  /** Per-command timeout, so a hung Redis fails the request instead of holding it. */
  timeoutMs: number;
  observe?: StoreObserver;
  onError?: (err: Error) => void;
}

export type SplitbenchRedis = ReturnType<typeof createClient>;

export class RedisAggregates {
  readonly client: SplitbenchRedis;
  private readonly observe: StoreObserver;
  private readonly connecting: Promise<unknown>;

  constructor(private readonly opts: RedisAggregatesOptions) {
    this.client = createClient({
      url: opts.url,
      // Fail commands at once while disconnected instead of queueing them behind a dead socket:
      // the client gets 503 now, not a timeout later.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: opts.timeoutMs,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** Math.min(retries, 5), 2000),
      },
    });
    this.observe = opts.observe ?? (() => {});
    // Without a listener node-redis would throw on connection errors; we report them through readiness.
    this.client.on('error', (err: Error) => opts.onError?.(err));
    // Connect in the background: the service starts, reports not-ready, and recovers when Redis does.
    this.connecting = this.client.connect().catch((err: unknown) => opts.onError?.(err as Error));
  }

  /** Counts the record once. Returns true when counted now, false when it had been counted before. */
  async apply(rec: CountableRecord): Promise<boolean> {
    const g = rec.grade;
    const pass = passed(g);
    const keys = [
      REDIS_KEYS.seen(rec.id),
      REDIS_KEYS.totals,
      REDIS_KEYS.countBy.curso,
      REDIS_KEYS.countBy.facultad,
      REDIS_KEYS.countBy.carrera,
      REDIS_KEYS.countBy.region,
      REDIS_KEYS.gradedByCurso,
      REDIS_KEYS.notaSumByCurso,
      REDIS_KEYS.passedByCurso,
      REDIS_KEYS.failedByCurso,
      REDIS_KEYS.runs,
      REDIS_KEYS.recent,
    ];
    const recent = JSON.stringify({ id: rec.id, runId: rec.runId, route: rec.route, receivedAt: rec.receivedAt, ...g });
    const args = [
      String(SEEN_TTL_SECONDS),
      g.curso,
      g.facultad,
      g.carrera,
      g.region,
      g.nota === undefined ? '' : String(g.nota),
      pass === undefined ? '' : pass ? '1' : '0',
      rec.runId,
      String(RECENT_STREAM_MAXLEN),
      rec.id,
      recent,
    ];
    const reply = await this.timed('apply', () => this.evalScript(keys, args));
    return Number(reply) === 1;
  }

  async ping(): Promise<void> {
    await this.timed('ping', () => this.client.sendCommand(['PING'], { timeout: this.opts.timeoutMs }));
  }

  async close(): Promise<void> {
    await this.connecting;
    if (this.client.isOpen) await this.client.close();
    else this.client.destroy();
  }

  private async evalScript(keys: string[], args: string[]): Promise<unknown> {
    const options = { timeout: this.opts.timeoutMs };
    try {
      return await this.client.sendCommand(['EVALSHA', APPLY_SCRIPT_SHA, String(keys.length), ...keys, ...args], options);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
    }
    // Not in Redis' script cache yet (first call, or after a restart): EVAL sends it and caches it.
    return this.client.sendCommand(['EVAL', APPLY_SCRIPT, String(keys.length), ...keys, ...args], options);
  }

  /** Times the call; any failure means the count did not happen: report "unavailable". */
  private async timed<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await timed(this.observe, operation, fn);
    } catch (err) {
      throw new UnavailableError(`Redis: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
