/**
 * splitbench's k6 script: POSTs grade records from the generator's pool to BASE_URL/course at the
 * rate of one named profile (profiles.ts), measures each write path apart by the X-Route header the
 * answer carries, and leaves what the reconciler needs: one `splitbench.ack` log line per
 * acknowledged write and summary.json. Settings and the reasons behind them: README.md.
 *
 *   k6 run loadtest/main.ts                                   # load: 200 req/s for 30 s
 *   SCENARIO=stress RATE=1500 k6 run loadtest/main.ts
 *
 * The contract comes from ../contract (plain TypeScript, no imports), so k6 and the services share
 * one definition of paths, headers and route names.
 */
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { ACK_LOG_MARKER, COURSE_PATH, HEADERS, IDEMPOTENCY_KEY_PATTERN, READYZ_PATH, RUN_ID_PATTERN } from '../contract/http.ts';
import { ROUTES } from '../contract/routes.ts';
import { SettingError, positiveNumber, selectProfile } from './profiles.ts';
import type { Env } from './profiles.ts';

// k6 provides console; @types/k6 does not declare it and the DOM lib would declare far too much.
declare const console: { log(...data: unknown[]): void };

/** Every acknowledged write is logged as `splitbench.ack <runId> <route> <id> <status>`. */
export const ACK_PREFIX = ACK_LOG_MARKER;
/** Above the services' own request deadline (5 s by default), so their 504 arrives before k6 gives up. */
const REQUEST_TIMEOUT = '10s';
const READY_TIMEOUT = '5s';
/** X-Route value when an answer has none (k6 could not connect, or something in front answered). */
const NO_ROUTE = 'none';
/** X-Route value when the header holds something that is not a plain name. */
const ODD_ROUTE = 'other';

const env: Env = __ENV;

function text(name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function fraction(name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^[0-9.]+$/.test(raw) || !(value >= 0 && value <= 1)) {
    throw new SettingError(`${name} must be a number from 0 to 1 (0.01 = 1%), got ${JSON.stringify(raw)}`);
  }
  return value;
}

function loadSettings() {
  const baseUrl = text('BASE_URL', 'http://127.0.0.1:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(baseUrl)) {
    throw new SettingError(`BASE_URL must be an http:// or https:// URL such as http://127.0.0.1:8080, got ${JSON.stringify(baseUrl)}`);
  }
  const runId = env.RUN_ID?.trim() || undefined;
  if (runId !== undefined && !RUN_ID_PATTERN.test(runId)) {
    throw new SettingError(`RUN_ID must match ${RUN_ID_PATTERN} (it tags every record), got ${JSON.stringify(runId)}`);
  }
  const routes = text('ROUTES', ROUTES.join(','))
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r !== '');
  for (const route of routes) {
    if (!(ROUTES as readonly string[]).includes(route)) {
      throw new SettingError(`ROUTES must list some of ${ROUTES.join(', ')} (comma-separated), got ${JSON.stringify(route)}`);
    }
  }
  if (routes.length === 0) throw new SettingError(`ROUTES must name at least one of ${ROUTES.join(', ')}`);
  const ackLog = text('ACK_LOG', '1');
  if (ackLog !== '0' && ackLog !== '1') throw new SettingError(`ACK_LOG must be 1 (log acknowledged ids) or 0, got ${JSON.stringify(ackLog)}`);
  return {
    baseUrl,
    runId,
    routes,
    data: text('DATA', '../data/pool.json'),
    summary: text('SUMMARY', 'summary.json'),
    maxErrorRate: fraction('MAX_ERROR_RATE', 0.01),
    p95Ms: positiveNumber(env, 'P95_MS', 50),
    p99Ms: positiveNumber(env, 'P99_MS', 100),
    ackLog: ackLog === '1',
  };
}

const settings = loadSettings();
const profile = selectProfile(env, 'postCourse');

/** Records pre-serialised once and shared by every VU: no per-request JSON.stringify, no copy per VU. */
const pool = new SharedArray('grade pool', () => loadPool(settings.data));

function loadPool(path: string): string[] {
  let raw: string;
  try {
    raw = open(path);
  } catch (err) {
    throw new SettingError(
      `DATA: cannot read ${path} (a relative path is resolved from loadtest/): ${String(err)}. ` +
        'Generate a pool first: npm run gen -- --count 2000 --seed 42 --out data/pool.json',
    );
  }
  const body = raw.trim();
  let records: unknown[];
  try {
    // The generator writes a JSON array for *.json and NDJSON otherwise; take either.
    records = body.startsWith('[') ? (JSON.parse(body) as unknown[]) : body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch (err) {
    throw new SettingError(`DATA: ${path} is neither a JSON array nor NDJSON: ${String(err)}`);
  }
  if (records.length === 0) throw new SettingError(`DATA: ${path} holds no records`);
  return records.map((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new SettingError(`DATA: record ${i} of ${path} is not a JSON object`);
    }
    return JSON.stringify(record);
  });
}

// Per-route metrics. The route is only known from the answer, so these carry it as a tag; the
// built-in http_req_* metrics cannot.
const routeDuration = new Trend('route_req_duration', true);
const routeReqs = new Counter('route_reqs');
const routeAcks = new Counter('route_acks');
const routeReplays = new Counter('route_replays');
const routeErrors = new Rate('route_errors');

const ACK_ID_CHECK = 'acknowledged id is the Idempotency-Key';

function buildThresholds(): Record<string, string[]> {
  const errorRate = `rate<=${settings.maxErrorRate}`;
  const thresholds: Record<string, string[]> = {
    // Also counts answers without a route (refused connections, errors of whatever is in front).
    route_errors: [errorRate],
    checks: ['rate==1'],
  };
  for (const route of settings.routes) {
    thresholds[`route_errors{route:${route}}`] = [errorRate];
    thresholds[`route_req_duration{route:${route}}`] = [`p(95)<${settings.p95Ms}`, `p(99)<${settings.p99Ms}`];
    // A route that never answered is a broken split, not a fast one.
    thresholds[`route_reqs{route:${route}}`] = ['count>0'];
  }
  return thresholds;
}

export const options: Options = {
  scenarios: { [profile.name]: profile.scenario },
  thresholds: buildThresholds(),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  setupTimeout: '30s',
  userAgent: 'splitbench-k6',
};

interface SetupData {
  runId: string;
  startedAt: string;
  poolSize: number;
}

function generatedRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const suffix = Math.floor(Math.random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `k6-${stamp}-${suffix}`;
}

/** Fails fast, before any write, when the target is not ready. */
export function setup(): SetupData {
  const url = `${settings.baseUrl}${READYZ_PATH}`;
  const res = http.get(url, { timeout: READY_TIMEOUT, tags: { name: `GET ${READYZ_PATH}` } });
  if (res.status !== 200) {
    const why = res.status === 0 ? res.error : `HTTP ${res.status}: ${String(res.body ?? '').slice(0, 200)}`;
    exec.test.abort(
      `${url} is not ready (${why}). Start the stack first (npm run stack -- --port 8080) or point BASE_URL at a running one.`,
    );
  }
  // Generated here, not at init: init code runs once per VU, and every VU must share one run id.
  const runId = settings.runId ?? generatedRunId(new Date());
  const sampleKey = `${runId}-${profile.maxVUs}-${Number.MAX_SAFE_INTEGER}`;
  if (!IDEMPOTENCY_KEY_PATTERN.test(sampleKey)) exec.test.abort(`RUN_ID ${runId} makes Idempotency-Keys the contract refuses`);
  return { runId, startedAt: new Date().toISOString(), poolSize: pool.length };
}

/** k6 reports response headers in Go's canonical form; the contract spells them in lower case. */
function canonical(header: string): string {
  return header.replace(/(^|-)([a-z])/g, (_m: string, dash: string, c: string) => dash + c.toUpperCase());
}
const ROUTE_HEADER = canonical(HEADERS.route);
const REPLAYED_HEADER = canonical(HEADERS.replayed);
const COURSE_URL = `${settings.baseUrl}${COURSE_PATH}`;

function routeOf(res: RefinedResponse<ResponseType | undefined>): string {
  const value = res.headers[ROUTE_HEADER];
  if (value === undefined || value === '') return NO_ROUTE;
  return /^[a-z0-9_-]{1,32}$/.test(value) ? value : ODD_ROUTE;
}

function answeredId(res: RefinedResponse<ResponseType | undefined>): unknown {
  try {
    return res.json('id');
  } catch {
    return undefined;
  }
}

/** The one scenario function every profile runs: one write with a key unique in the run. */
export function postCourse(data: SetupData): void {
  // Unique across VUs (idInTest holds across k6 instances too) and iterations, and readable back
  // to the VU and iteration that sent it.
  const key = `${data.runId}-${exec.vu.idInTest}-${exec.vu.iterationInInstance}`;
  const body = pool[exec.scenario.iterationInTest % pool.length] as string;
  const res = http.post(COURSE_URL, body, {
    headers: { 'Content-Type': 'application/json', [HEADERS.runId]: data.runId, [HEADERS.idempotencyKey]: key },
    timeout: REQUEST_TIMEOUT,
    tags: { name: `POST ${COURSE_PATH}` },
  });
  const route = routeOf(res);
  // 201 created, 200 a replay of an earlier write with this key: both say the write is durable.
  const acknowledged = res.status === 201 || res.status === 200;
  const tags = { route };
  routeReqs.add(1, tags);
  routeDuration.add(res.timings.duration, tags);
  routeErrors.add(!acknowledged, tags);
  if (!acknowledged) return;
  routeAcks.add(1, tags);
  if (res.status === 200 && res.headers[REPLAYED_HEADER] !== undefined) routeReplays.add(1, tags);
  check(res, { [ACK_ID_CHECK]: (r) => answeredId(r) === key });
  if (settings.ackLog) console.log(`${ACK_PREFIX} ${data.runId} ${route} ${key} ${res.status}`);
}

// ---- end of test: summary.json for tools, a short table for people --------------------------------

interface MetricData {
  type: string;
  values: Record<string, number | undefined>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface SummaryData {
  metrics?: Record<string, MetricData | undefined>;
  state?: { testRunDurationMs: number };
  setup_data?: SetupData;
}

export interface RouteSummary {
  requests: number;
  acknowledged: number;
  errors: number;
  errorRate: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

const round = (n: number, places = 3): number => Math.round(n * 10 ** places) / 10 ** places;

export function buildSummary(data: SummaryData) {
  const metrics = data.metrics ?? {};
  const value = (metric: string, stat: string): number | undefined => metrics[metric]?.values[stat];
  const count = (metric: string): number => value(metric, 'count') ?? 0;
  const ms = (metric: string, stat: string): number | null => {
    const v = value(metric, stat);
    return v === undefined || count(metric) === 0 ? null : round(v);
  };
  const durationMs = data.state?.testRunDurationMs ?? 0;
  const perSecond = (n: number): number => (durationMs > 0 ? round(n / (durationMs / 1000), 2) : 0);

  const routes: Record<string, RouteSummary> = {};
  for (const route of settings.routes) {
    // route_errors{route:X} exists because it carries a threshold: its true samples are errors, its
    // false samples acknowledged writes. (route_acks{route:X} would need a threshold of its own.)
    const errors = value(`route_errors{route:${route}}`, 'passes') ?? 0;
    const acknowledged = value(`route_errors{route:${route}}`, 'fails') ?? 0;
    const requests = count(`route_reqs{route:${route}}`);
    routes[route] = {
      requests,
      acknowledged,
      errors,
      errorRate: requests > 0 ? round(errors / requests, 6) : 0,
      rps: perSecond(requests),
      p50: ms(`route_req_duration{route:${route}}`, 'med'),
      p95: ms(`route_req_duration{route:${route}}`, 'p(95)'),
      p99: ms(`route_req_duration{route:${route}}`, 'p(99)'),
    };
  }
  const requests = count('route_reqs');
  const routed = Object.values(routes).reduce((sum, r) => sum + r.requests, 0);

  const failed: string[] = [];
  const thresholds: { metric: string; threshold: string; ok: boolean }[] = [];
  for (const [metric, m] of Object.entries(metrics)) {
    for (const [threshold, result] of Object.entries(m?.thresholds ?? {})) {
      thresholds.push({ metric, threshold, ok: result.ok });
      if (!result.ok) failed.push(`${metric} ${threshold}`);
    }
  }
  thresholds.sort((a, b) => a.metric.localeCompare(b.metric));

  return {
    schema: 'splitbench.k6-summary/1',
    runId: data.setup_data?.runId ?? settings.runId ?? null,
    /** False when setup() failed (target not ready): no load was sent. */
    setupCompleted: data.setup_data !== undefined,
    scenario: profile.name,
    baseUrl: settings.baseUrl,
    startedAt: data.setup_data?.startedAt ?? null,
    durationMs: round(durationMs, 1),
    requests,
    acknowledged: count('route_acks'),
    replayed: count('route_replays'),
    errorRate: round(value('route_errors', 'rate') ?? 0, 6),
    rps: perSecond(requests),
    droppedIterations: count('dropped_iterations'),
    /** Answers with no X-Route, or one outside ROUTES. */
    unrouted: requests - routed,
    routes,
    thresholds: { passed: failed.length === 0, failed, all: thresholds },
    settings: {
      rate: profile.rate,
      startRate: profile.startRate,
      durationS: profile.durationS,
      preAllocatedVUs: profile.preAllocatedVUs,
      maxVUs: profile.maxVUs,
      routes: settings.routes,
      maxErrorRate: settings.maxErrorRate,
      p95Ms: settings.p95Ms,
      p99Ms: settings.p99Ms,
      data: settings.data,
      poolSize: data.setup_data?.poolSize ?? null,
      ackLog: settings.ackLog,
    },
  };
}

function pad(cell: string | number | null, width: number): string {
  const s = cell === null ? '-' : String(cell);
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

function textSummary(s: ReturnType<typeof buildSummary>): string {
  const pct = (r: number): string => `${round(r * 100, 2)}%`;
  const lines = [
    '',
    `splitbench k6 run ${s.runId ?? '(no run id: setup did not finish)'}: ${s.scenario} (${profile.what}) against ${s.baseUrl}`,
    `  ${s.requests} requests in ${round(s.durationMs / 1000, 1)} s (${s.rps}/s), ${s.acknowledged} acknowledged` +
      ` (${s.replayed} replays), errors ${pct(s.errorRate)}, dropped iterations ${s.droppedIterations}, unrouted ${s.unrouted}`,
    '',
    `  ${'route'.padEnd(8)}${pad('requests', 10)}${pad('acked', 10)}${pad('req/s', 10)}${pad('errors', 9)}${pad('p50 ms', 10)}${pad('p95 ms', 10)}${pad('p99 ms', 10)}`,
  ];
  for (const [name, r] of Object.entries(s.routes)) {
    lines.push(
      `  ${name.padEnd(8)}${pad(r.requests, 10)}${pad(r.acknowledged, 10)}${pad(r.rps, 10)}${pad(pct(r.errorRate), 9)}${pad(r.p50, 10)}${pad(r.p95, 10)}${pad(r.p99, 10)}`,
    );
  }
  if (!s.setupCompleted) lines.push('', '  no load was sent: setup() did not finish (its error is above)');
  lines.push('', `  thresholds: ${s.thresholds.passed ? 'all passed' : `${s.thresholds.failed.length} FAILED`}`);
  for (const t of s.thresholds.all) lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.threshold}`);
  if (s.droppedIterations > 0) {
    lines.push(`  note: ${s.droppedIterations} iterations were never started: MAX_VUS (${profile.maxVUs}) VUs could not keep up with the rate`);
  }
  lines.push(`  summary: ${settings.summary}`, '');
  return lines.join('\n');
}

/**
 * Writes summary.json (SUMMARY) and prints a table. k6 prints its own text summary only when
 * handleSummary is absent, and its textSummary helper is a jslib download this offline machine
 * cannot make, hence our own.
 */
export function handleSummary(data: SummaryData): Record<string, string> {
  if (data.metrics === undefined || data.state === undefined) {
    return { stdout: 'handleSummary: unexpected summary data (K6_NEW_MACHINE_READABLE_SUMMARY set?); no summary.json written\n' };
  }
  const summary = buildSummary(data);
  return { stdout: textSummary(summary), [settings.summary]: `${JSON.stringify(summary, null, 2)}\n` };
}
