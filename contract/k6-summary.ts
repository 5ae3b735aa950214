/**
 * summary.json, as loadtest/ writes it at the end of every k6 run (handleSummary) and as the demo, the
 * reconciler and the in-cluster collector read it. One definition: the type, its schema id, and the one
 * parser every reader uses (it checks every field it returns, so a reader never trusts a cast).
 * k6 imports only the types (erased), so this file may use Node-free code only.
 */

export const K6_SUMMARY_SCHEMA = 'splitbench.k6-summary/2';

/**
 * Per route, by the X-Route of the answers: requests by their final answer, attempts by their own.
 * Latencies in ms (per request: first attempt to final answer); null when the route had no answer.
 */
export interface K6RouteSummary {
  requests: number;
  acknowledged: number;
  errors: number;
  errorRate: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Attempts this route answered (a request retried elsewhere counts here for its attempts here). */
  attempts: number;
  /** Attempts answered here that were then retried. */
  retries: number;
  /** p99 of single attempts answered here. */
  attemptP99: number | null;
}

export interface K6Threshold {
  metric: string;
  threshold: string;
  ok: boolean;
}

export interface K6Thresholds {
  passed: boolean;
  failed: string[];
  all: K6Threshold[];
}

export interface K6SummarySettings {
  rate: number;
  startRate: number;
  durationS: number;
  preAllocatedVUs: number;
  maxVUs: number;
  routes: string[];
  /** The thresholds' settings; null when k6 ran with THRESHOLDS=off. */
  maxErrorRate: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  data: string;
  poolSize: number | null;
  /** False when k6 ran with ACK_LOG=0: no ack lines, only counts can be reconciled. */
  ackLog: boolean;
  /** RETRIES: how many times a 503, 504 or unanswered attempt was retried with the same key. */
  retries: number;
}

export interface K6Summary {
  schema: typeof K6_SUMMARY_SCHEMA;
  runId: string | null;
  /** False when setup() failed (the target was not ready): no load was sent. */
  setupCompleted: boolean;
  scenario: string;
  baseUrl: string;
  startedAt: string | null;
  durationMs: number;
  requests: number;
  acknowledged: number;
  replayed: number;
  errorRate: number;
  rps: number;
  droppedIterations: number;
  /** Answers with no X-Route, or one outside the expected routes. */
  unrouted: number;
  /** The routes k6 was told to expect (its ROUTES setting); a route not listed was not expected to answer. */
  routes: Record<string, K6RouteSummary>;
  /**
   * What k6 judged the run by. null: it judged nothing (THRESHOLDS=off): the run neither passed nor
   * failed a threshold, and a reader must not take it for passed.
   */
  thresholds: K6Thresholds | null;
  /**
   * Checks that failed (an acknowledged answer whose id is not its Idempotency-Key). With thresholds on,
   * `checks rate==1` fails too; with them off this is the only record. null: a summary written before
   * this was recorded.
   */
  failedChecks: number | null;
  settings: K6SummarySettings;
}

/**
 * In the cluster a runner's summary.json dies with its pod, so with SUMMARY_LOG=1 k6 also prints it as
 * one line of its log: `splitbench.k6-summary <json>`. The cluster verdict (k8s/verdict/) reads it back
 * from every runner's log, with the ack lines.
 */
export const SUMMARY_LOG_MARKER = 'splitbench.k6-summary';

export function formatSummaryLine(s: K6Summary): string {
  return `${SUMMARY_LOG_MARKER} ${JSON.stringify(s)}`;
}

export class SummaryError extends Error {
  override name = 'SummaryError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field readers that name the path of a bad field in their error. */
function reader(source: string) {
  const bad = (where: string, want: string, v: unknown): never => {
    throw new SummaryError(`${source}: ${where} must be ${want}, got ${JSON.stringify(v)}`);
  };
  const obj = (v: unknown, where: string): Json => (isObject(v) ? v : bad(where, 'an object', v));
  const num = (v: unknown, where: string): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : bad(where, 'a non-negative number', v));
  const count = (v: unknown, where: string): number => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : bad(where, 'a non-negative integer', v));
  const str = (v: unknown, where: string): string => (typeof v === 'string' ? v : bad(where, 'a string', v));
  const bool = (v: unknown, where: string): boolean => (typeof v === 'boolean' ? v : bad(where, 'true or false', v));
  const orNull = <T>(f: (v: unknown, w: string) => T) => (v: unknown, where: string): T | null => (v === null ? null : f(v, where));
  const strings = (v: unknown, where: string): string[] => (Array.isArray(v) ? v.map((s, i) => str(s, `${where}[${i}]`)) : bad(where, 'an array of strings', v));
  return { obj, num, count, str, bool, orNull, strings };
}

function parseThresholds(r: ReturnType<typeof reader>, raw: unknown): K6Thresholds {
  const t = r.obj(raw, 'thresholds');
  const all = Array.isArray(t.all) ? t.all : r.obj(t.all, 'thresholds.all');
  return {
    passed: r.bool(t.passed, 'thresholds.passed'),
    failed: r.strings(t.failed, 'thresholds.failed'),
    all: (all as unknown[]).map((x, i) => {
      const e = r.obj(x, `thresholds.all[${i}]`);
      return { metric: r.str(e.metric, `thresholds.all[${i}].metric`), threshold: r.str(e.threshold, `thresholds.all[${i}].threshold`), ok: r.bool(e.ok, `thresholds.all[${i}].ok`) };
    }),
  };
}

/** Every summary line in a runner's log, checked. */
export function summariesInLog(text: string, source: string): K6Summary[] {
  const out: K6Summary[] = [];
  for (const line of text.split('\n')) {
    const at = line.indexOf(`${SUMMARY_LOG_MARKER} {`);
    if (at < 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(line.slice(at + SUMMARY_LOG_MARKER.length + 1));
    } catch (err) {
      throw new SummaryError(`${source}: a ${SUMMARY_LOG_MARKER} line is not JSON (a cut log?): ${(err as Error).message}`);
    }
    out.push(parseK6Summary(json, source));
  }
  return out;
}

/** Checks a parsed summary.json; `source` names the file in errors. */
export function parseK6Summary(json: unknown, source = 'summary.json'): K6Summary {
  const r = reader(source);
  const o = r.obj(json, 'the document');
  if (o.schema !== K6_SUMMARY_SCHEMA) throw new SummaryError(`${source}: schema is ${JSON.stringify(o.schema)}, expected ${K6_SUMMARY_SCHEMA}`);
  const routes: Record<string, K6RouteSummary> = {};
  for (const [name, raw] of Object.entries(r.obj(o.routes, 'routes'))) {
    const at = `routes.${name}`;
    const x = r.obj(raw, at);
    routes[name] = {
      requests: r.count(x.requests, `${at}.requests`),
      acknowledged: r.count(x.acknowledged, `${at}.acknowledged`),
      errors: r.count(x.errors, `${at}.errors`),
      errorRate: r.num(x.errorRate, `${at}.errorRate`),
      rps: r.num(x.rps, `${at}.rps`),
      p50: r.orNull(r.num)(x.p50, `${at}.p50`),
      p95: r.orNull(r.num)(x.p95, `${at}.p95`),
      p99: r.orNull(r.num)(x.p99, `${at}.p99`),
      attempts: r.count(x.attempts, `${at}.attempts`),
      retries: r.count(x.retries, `${at}.retries`),
      attemptP99: r.orNull(r.num)(x.attemptP99, `${at}.attemptP99`),
    };
  }
  const s = r.obj(o.settings, 'settings');
  return {
    schema: K6_SUMMARY_SCHEMA,
    runId: r.orNull(r.str)(o.runId, 'runId'),
    setupCompleted: r.bool(o.setupCompleted, 'setupCompleted'),
    scenario: r.str(o.scenario, 'scenario'),
    baseUrl: r.str(o.baseUrl, 'baseUrl'),
    startedAt: r.orNull(r.str)(o.startedAt, 'startedAt'),
    durationMs: r.num(o.durationMs, 'durationMs'),
    requests: r.count(o.requests, 'requests'),
    acknowledged: r.count(o.acknowledged, 'acknowledged'),
    replayed: r.count(o.replayed, 'replayed'),
    errorRate: r.num(o.errorRate, 'errorRate'),
    rps: r.num(o.rps, 'rps'),
    droppedIterations: r.count(o.droppedIterations, 'droppedIterations'),
    unrouted: r.count(o.unrouted, 'unrouted'),
    routes,
    thresholds: o.thresholds === null ? null : parseThresholds(r, o.thresholds),
    failedChecks: o.failedChecks === undefined ? null : r.count(o.failedChecks, 'failedChecks'),
    settings: {
      rate: r.num(s.rate, 'settings.rate'),
      startRate: r.num(s.startRate, 'settings.startRate'),
      durationS: r.num(s.durationS, 'settings.durationS'),
      preAllocatedVUs: r.count(s.preAllocatedVUs, 'settings.preAllocatedVUs'),
      maxVUs: r.count(s.maxVUs, 'settings.maxVUs'),
      routes: r.strings(s.routes, 'settings.routes'),
      maxErrorRate: r.orNull(r.num)(s.maxErrorRate, 'settings.maxErrorRate'),
      p95Ms: r.orNull(r.num)(s.p95Ms, 'settings.p95Ms'),
      p99Ms: r.orNull(r.num)(s.p99Ms, 'settings.p99Ms'),
      data: r.str(s.data, 'settings.data'),
      poolSize: r.orNull(r.count)(s.poolSize, 'settings.poolSize'),
      ackLog: r.bool(s.ackLog, 'settings.ackLog'),
      retries: r.count(s.retries, 'settings.retries'),
    },
  };
}
