/**
 * After a run: reconcile what k6 saw acknowledged with what MongoDB and Redis hold, and test the
 * observed split against the configured weights. `reconcileRun()` for the demo runner; a CLI for people
 * and CI (`npx tsx reconcile/main.ts --help`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RUN_ID_PATTERN } from '../contract/http.js';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { readAckFile, readAckStream, type AckLog } from './acks.js';
import { readK6Summary, type K6SummaryFacts } from './k6-summary.js';
import { reconcile, type Reconciliation, type RouteFigures } from './reconcile.js';
import { DEFAULT_ALPHA, splitTest, type SplitTestResult } from './split-test.js';
import { readStores } from './store-reader.js';

export interface ReconcileRunOptions {
  runId: string;
  /** k6's log holding the `splitbench.ack` lines (`-` reads stdin). */
  acksFile: string;
  mongoUrl: string;
  /** Default MONGO_DB_DEFAULT ('splitbench'). */
  mongoDb?: string;
  redisUrl: string;
  /** Configured weights per route (any scale). Default: the HTTPRoute in `routeFile`. */
  weights?: Record<RouteName, number>;
  /** HTTPRoute to read the weights from when `weights` is absent. Default linkerd/route/httproute.yaml. */
  routeFile?: string;
  /** loadtest's summary.json: its per-route acknowledged counts prove the ack log complete; its requests feed the split test. */
  summaryFile?: string;
  /**
   * Counts for the split test. Default: summary.json's routes.X.requests (every answer the route gave,
   * errors included) when a summary is given, else the acknowledged ids per route.
   */
  splitCounts?: Record<RouteName, number>;
  /** Without splitCounts: 'summary' (the default when summaryFile is given) or 'acks'. */
  splitFrom?: 'summary' | 'acks';
  /** Significance level of the split test. Default 0.001 (split-test.ts says why). */
  alpha?: number;
  /** Ids listed per finding (counts are always complete). Default 20. */
  maxIds?: number;
  /** Also fail the run on duplicated findings (default: only lost writes and the split fail it). */
  failOnDuplicated?: boolean;
  /** Store connect timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Redis EXISTS / Mongo $in batch size. Default 1000. */
  batchSize?: number;
}

/**
 * What reconcileRun() returns (and `--json` writes):
 *
 * {
 *   schema: 'splitbench.reconcile/1', runId, verdict: 'PASS' | 'FAIL', pass,
 *   reasons: string[],                 // failures first, for a person
 *   failures: string[],                // the reasons that made it FAIL
 *   routes: { grpc: RouteFigures, redis: RouteFigures },   // acknowledged, ackLines, stored, countedInRedis, seenMarkers, lost, unacknowledged
 *   reconciliation: {
 *     pass, countsOnly,
 *     lost: { count, ids, notStored: { grpc, redis, unrouted }, notCounted },          // each {count, ids}
 *     duplicated: { count, runCountExcess, ackedOnTwoRoutes: {count, ids}, routeMismatch: {count, items} },
 *     unacknowledged: { count, ids, byRoute, notCountedInRedis },
 *     anomalies: { storedUnderOtherRun, storedUnknownRoute, runCountShortfall, ackLog, malformedLines, ... },
 *   },
 *   split: { expected: {grpc, redis}, observed: {grpc: {count, share}, redis: {count, share}}, n, pValue, alpha, pass, method, reasons, source },
 *   ackLog: { file, lines, acks, otherRuns, otherRunIds, malformed },
 *   inputs: { summaryFile, mongoDb, weightsFrom },
 * }
 *
 * The demo copies `reconciliation.{lost,duplicated,unacknowledged}` and `split.{expected,observed,pValue}`
 * into results/<run-id>/summary.json.
 */
export interface ReconcileReport {
  schema: 'splitbench.reconcile/1';
  runId: string;
  verdict: 'PASS' | 'FAIL';
  pass: boolean;
  reasons: string[];
  /** The reasons that made it FAIL (a prefix of `reasons`); empty on PASS. */
  failures: string[];
  routes: Record<RouteName, RouteFigures>;
  reconciliation: Omit<Reconciliation, 'routes' | 'reasons' | 'failures' | 'runId'>;
  split: SplitTestResult & { source: SplitSource };
  ackLog: { file: string; lines: number; acks: number; otherRuns: number; otherRunIds: string[]; malformed: number };
  inputs: { summaryFile: string | null; mongoDb: string; weightsFrom: string };
}

/** Where the split test's counts came from. */
export type SplitSource = 'given' | 'summary.requests' | 'acks';

export class UsageError extends Error {
  override name = 'UsageError';
}

export async function reconcileRun(opts: ReconcileRunOptions): Promise<ReconcileReport> {
  if (!RUN_ID_PATTERN.test(opts.runId)) throw new UsageError(`run id ${JSON.stringify(opts.runId)} does not match ${String(RUN_ID_PATTERN)}`);
  const mongoDb = opts.mongoDb ?? MONGO_DB_DEFAULT;
  const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
  const weights = opts.weights ?? routeFractions(readSplit(routeFile));

  if (opts.splitFrom === 'summary' && opts.summaryFile === undefined) throw new UsageError('splitFrom summary needs a summaryFile');
  let summary: K6SummaryFacts | undefined;
  if (opts.summaryFile !== undefined) {
    summary = await readK6Summary(opts.summaryFile);
    if (summary.runId !== null && summary.runId !== opts.runId) {
      throw new UsageError(`${opts.summaryFile} is for run ${summary.runId}, not ${opts.runId}`);
    }
  }

  const acks: AckLog = opts.acksFile === '-' ? await readAckStream(process.stdin, opts.runId) : await readAckFile(opts.acksFile, opts.runId);
  const snapshot = await readStores(
    { mongoUrl: opts.mongoUrl, mongoDb, redisUrl: opts.redisUrl, timeoutMs: opts.timeoutMs, batchSize: opts.batchSize },
    acks,
  );
  const rec = reconcile(acks, snapshot, {
    maxIds: opts.maxIds,
    expectedAcks: summary?.acknowledged,
    ackLogEnabled: summary?.ackLog ?? true,
  });

  let counts: Record<RouteName, number>;
  let source: SplitSource;
  if (opts.splitCounts !== undefined) {
    counts = opts.splitCounts;
    source = 'given';
  } else if (summary !== undefined && opts.splitFrom !== 'acks') {
    counts = { grpc: summary.requests.grpc ?? 0, redis: summary.requests.redis ?? 0 };
    source = 'summary.requests';
  } else {
    counts = { grpc: acks.byRoute.grpc.size, redis: acks.byRoute.redis.size };
    source = 'acks';
  }
  const tested = splitTest(counts, weights, { alpha: opts.alpha ?? DEFAULT_ALPHA });
  const split = { ...tested, reasons: tested.reasons.map((r, i) => (i === 0 ? `${r}; counts from ${source}` : r)), source };

  const failures = [...rec.failures];
  if (summary !== undefined && !summary.setupCompleted) failures.unshift('K6: setup() failed (the target was not ready), so no load was sent');
  if (!split.pass) failures.push(...split.reasons);
  // reconcile() starts each duplicate finding's sentence with "DUPLICATED:".
  if (opts.failOnDuplicated) failures.push(...rec.reasons.filter((r) => r.startsWith('DUPLICATED:')));
  const others = rec.reasons.filter((r) => !failures.includes(r));
  const reasons = [...failures, ...others, ...(split.pass ? split.reasons : [])];
  const pass = failures.length === 0;

  const { routes, reasons: _r, failures: _f, runId: _id, ...reconciliation } = rec;
  return {
    schema: 'splitbench.reconcile/1',
    runId: opts.runId,
    verdict: pass ? 'PASS' : 'FAIL',
    pass,
    reasons,
    failures,
    routes,
    reconciliation,
    split,
    ackLog: {
      file: opts.acksFile,
      lines: acks.lines.total,
      acks: acks.lines.acks,
      otherRuns: acks.lines.otherRuns,
      otherRunIds: acks.otherRunIds,
      malformed: acks.lines.malformed,
    },
    inputs: { summaryFile: opts.summaryFile ?? null, mongoDb, weightsFrom: opts.weights !== undefined ? 'given' : routeFile },
  };
}

// ---- the table for a person ---------------------------------------------------------------------------

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function formatReport(report: ReconcileReport): string {
  const cell = (v: string | number | null, w: number): string => (v === null ? '-' : String(v)).padStart(w);
  const lines = [`reconcile run ${report.runId}: ${report.verdict}`, ''];
  lines.push(`  ${'route'.padEnd(7)}${cell('acked', 9)}${cell('stored', 9)}${cell('redis', 9)}${cell('lost', 7)}${cell('unacked', 9)}`);
  for (const route of ROUTES) {
    const r = report.routes[route];
    lines.push(`  ${route.padEnd(7)}${cell(r.acknowledged, 9)}${cell(r.stored, 9)}${cell(r.countedInRedis, 9)}${cell(r.lost, 7)}${cell(r.unacknowledged, 9)}`);
  }
  const rc = report.reconciliation;
  lines.push(
    '',
    `  lost ${rc.lost.count}${rc.countsOnly ? ' (lower bound, counts only)' : ''}   duplicated ${rc.duplicated.count}   unacknowledged ${rc.unacknowledged.count}`,
  );
  const s = report.split;
  const p = s.pValue === null ? 'n/a' : s.pValue === 0 || s.pValue >= 0.001 ? s.pValue.toPrecision(3) : s.pValue.toExponential(2);
  lines.push(
    `  split  expected grpc ${pct(s.expected.grpc)} / redis ${pct(s.expected.redis)}, observed ${pct(s.observed.grpc.share)} (${s.observed.grpc.count}) / ${pct(s.observed.redis.share)} (${s.observed.redis.count}), n ${s.n}`,
    `         p ${p}, alpha ${s.alpha}, ${s.method}, counts from ${s.source}: ${s.pass ? 'within the weights' : 'OUTSIDE the weights'}`,
  );
  if (report.reasons.length > 0) {
    lines.push('', '  reasons:');
    for (const r of report.reasons) lines.push(`  - ${r}`);
  }
  return lines.join('\n');
}

// ---- CLI -----------------------------------------------------------------------------------------------

export const USAGE = `usage: npx tsx reconcile/main.ts --run-id ID --acks k6.log [options]

Compares what k6 saw acknowledged (the 'splitbench.ack' lines of its log) with what MongoDB and Redis
hold for the run, and tests the observed split against the configured weights (exact binomial test).

  --run-id ID          the run (k6 RUN_ID / X-Run-Id)                                 required
  --acks FILE          k6's log with the ack lines ('-' reads stdin)                  required
  --summary FILE       loadtest's summary.json: proves the log complete, gives the split's request counts
  --endpoints FILE     a local stack's endpoints.json: mongoUrl, mongoDb, redisUrl, routeFile from it
  --mongo-url URL      default: endpoints, else $MONGO_URL
  --mongo-db NAME      default: endpoints, else $MONGO_DB, else ${MONGO_DB_DEFAULT}
  --redis-url URL      default: endpoints, else $REDIS_URL
  --route-file FILE    HTTPRoute with the weights (default linkerd/route/httproute.yaml)
  --split-from WHAT    'summary' (routes.X.requests; the default with --summary) or 'acks' (acknowledged ids)
  --alpha A            split test significance level (default ${DEFAULT_ALPHA})
  --max-ids N          ids listed per finding (default 20)
  --fail-on-duplicates duplicated findings fail the run too
  --json FILE          write the report as JSON ('-': JSON on stdout instead of the table)
  --timeout-ms MS      store connect timeout (default 5000)
  -h, --help

Exit status: 0 PASS (no lost write, split within the test), 1 FAIL, 2 bad usage or could not
reconcile (unreadable input, store unreachable).`;

const FLAGS = {
  'run-id': { type: 'string' },
  acks: { type: 'string' },
  summary: { type: 'string' },
  endpoints: { type: 'string' },
  'mongo-url': { type: 'string' },
  'mongo-db': { type: 'string' },
  'redis-url': { type: 'string' },
  'route-file': { type: 'string' },
  'split-from': { type: 'string' },
  alpha: { type: 'string' },
  'max-ids': { type: 'string' },
  'fail-on-duplicates': { type: 'boolean' },
  json: { type: 'string' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Reads the fields of a stack's endpoints.json the reconciler can use. */
function readEndpoints(file: string): { mongoUrl?: string; mongoDb?: string; redisUrl?: string; routeFile?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--endpoints ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (typeof json !== 'object' || json === null) throw new UsageError(`--endpoints ${file}: expected a JSON object`);
  const o = json as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof o[k] === 'string' && o[k] !== '' ? o[k] : undefined);
  return { mongoUrl: str('mongoUrl'), mongoDb: str('mongoDb'), redisUrl: str('redisUrl'), routeFile: str('routeFile') };
}

function numberFlag(raw: string | undefined, name: string, ok: (n: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !ok(n)) throw new UsageError(`--${name} must be ${what}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Parses the command line into reconcileRun options; throws UsageError. */
export function parseCli(args: string[], env: NodeJS.ProcessEnv = process.env): { help: true } | { help: false; options: ReconcileRunOptions; json: string | undefined } {
  let values;
  try {
    ({ values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return { help: true };
  const runId = values['run-id'];
  if (runId === undefined) throw new UsageError('--run-id is required');
  if (!RUN_ID_PATTERN.test(runId)) throw new UsageError(`--run-id ${JSON.stringify(runId)} does not match ${String(RUN_ID_PATTERN)}`);
  const acksFile = values.acks;
  if (acksFile === undefined) throw new UsageError('--acks is required (the k6 log with the splitbench.ack lines)');
  const endpoints = values.endpoints !== undefined ? readEndpoints(values.endpoints) : {};
  const mongoUrl = values['mongo-url'] ?? endpoints.mongoUrl ?? env.MONGO_URL;
  if (mongoUrl === undefined || mongoUrl === '') throw new UsageError('no MongoDB: give --mongo-url, --endpoints, or set MONGO_URL');
  const redisUrl = values['redis-url'] ?? endpoints.redisUrl ?? env.REDIS_URL;
  if (redisUrl === undefined || redisUrl === '') throw new UsageError('no Redis: give --redis-url, --endpoints, or set REDIS_URL');
  const splitFrom = values['split-from'];
  if (splitFrom !== undefined && splitFrom !== 'summary' && splitFrom !== 'acks') throw new UsageError(`--split-from must be summary or acks, got ${JSON.stringify(splitFrom)}`);
  if (splitFrom === 'summary' && values.summary === undefined) throw new UsageError('--split-from summary needs --summary');

  const options: ReconcileRunOptions = {
    runId,
    acksFile,
    mongoUrl,
    mongoDb: values['mongo-db'] ?? endpoints.mongoDb ?? (env.MONGO_DB || undefined),
    redisUrl,
    routeFile: values['route-file'] ?? endpoints.routeFile,
    summaryFile: values.summary,
    alpha: numberFlag(values.alpha, 'alpha', (n) => n > 0 && n < 1, 'a number between 0 and 1'),
    maxIds: numberFlag(values['max-ids'], 'max-ids', (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    failOnDuplicated: values['fail-on-duplicates'] ?? false,
    timeoutMs: numberFlag(values['timeout-ms'], 'timeout-ms', (n) => Number.isInteger(n) && n > 0, 'a positive integer'),
  };
  if (splitFrom !== undefined) options.splitFrom = splitFrom;
  return { help: false, options, json: values.json };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (err) {
    console.error(`reconcile: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  let report: ReconcileReport;
  try {
    report = await reconcileRun(parsed.options);
  } catch (err) {
    console.error(`reconcile: could not reconcile run ${parsed.options.runId}: ${(err as Error).message}`);
    return 2;
  }
  const json = JSON.stringify(report, null, 2) + '\n';
  if (parsed.json === '-') process.stdout.write(json);
  else {
    console.log(formatReport(report));
    if (parsed.json !== undefined) writeFileSync(parsed.json, json);
  }
  return report.pass ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
