/**
 * One reconciliation of a finished run, with its I/O: read the ack log and summary.json, read the
 * stores, reconcile, test the split on the client's per-route counts. Returns data (a ReconcileReport);
 * format.ts makes the text, cli.ts the command line.
 */
import { readFile } from 'node:fs/promises';
import { UsageError } from '../cli/options.js';
import { RUN_ID_PATTERN } from '../contract/http.js';
import { parseK6Summary, SummaryError, type K6Summary } from '../contract/k6-summary.js';
import type { RouteName } from '../contract/routes.js';
import { MONGO_DB_DEFAULT } from '../contract/stores.js';
import { SPLIT_ROUTE_FILE, readSplit, routeFractions } from '../linkerd/split.js';
import { readAckFile, readAckStream, type AckLog } from './acks.js';
import { bySeverity, type Finding } from './findings.js';
import { reconcile, type Reconciliation, type RouteFigures } from './reconcile.js';
import { DEFAULT_ALPHA, splitTest, type SplitSource, type SplitTestResult } from './split-test.js';
import { readStores } from './store-reader.js';

export const RECONCILE_SCHEMA = 'splitbench.reconcile/2';

export interface ReconcileRunOptions {
  runId: string;
  /** k6's log holding the ack lines (`-` reads stdin). */
  acksFile: string;
  mongoUrl: string;
  /** Default MONGO_DB_DEFAULT. */
  mongoDb?: string;
  redisUrl: string;
  /** Configured weights per route (any scale). Default: the HTTPRoute in `routeFile`. */
  weights?: Record<RouteName, number>;
  /** HTTPRoute to read the weights from when `weights` is absent. Default linkerd/route/httproute.yaml. */
  routeFile?: string;
  /** k6's summary.json: its per-route acknowledged counts prove the ack log complete; its requests are the split's counts. */
  summaryFile?: string;
  /** Counts for the split test instead of k6's (tests, or a collector that merged several runners). */
  splitCounts?: Record<RouteName, number>;
  /** Significance level of the split test. Default 0.001 (split-test.ts says why). */
  alpha?: number;
  /** Ids listed per finding (counts are always complete). Default 20. */
  maxIds?: number;
  /** Duplicated findings fail the run too (default: only lost writes, the ack log and the split do). */
  duplicatesFail?: boolean;
  /** Route-B records stored but not counted in Redis fail the run (after the sweeper's settle time). */
  convergenceFails?: boolean;
  /** Store connect timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Redis EXISTS / Mongo $in batch size. Default 1000. */
  batchSize?: number;
}

export interface ReconcileReport {
  schema: typeof RECONCILE_SCHEMA;
  runId: string;
  verdict: 'PASS' | 'FAIL';
  pass: boolean;
  /** Every finding, fails first. */
  findings: Finding[];
  routes: Record<RouteName, RouteFigures>;
  reconciliation: Pick<Reconciliation, 'countsOnly' | 'lost' | 'duplicated' | 'unacknowledged' | 'ackLog'>;
  split: SplitTestResult & { source: SplitSource };
  ackFile: { file: string; lines: number; acks: number; otherRuns: number; otherRunIds: string[]; malformed: number };
  inputs: { summaryFile: string | null; mongoDb: string; weightsFrom: string };
}

export async function readK6Summary(file: string): Promise<K6Summary> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new SummaryError(`cannot read ${file}: ${err.code ?? err.message}`, { cause: err });
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SummaryError(`${file}: not JSON: ${(err as Error).message}`, { cause: err });
  }
  return parseK6Summary(json, file);
}

/** The split's counts: given, else k6's per-route answers (the client's view), else the acknowledged ids. */
function splitCounts(opts: ReconcileRunOptions, summary: K6Summary | undefined, acks: AckLog): { counts: Record<RouteName, number>; source: SplitSource } {
  if (opts.splitCounts !== undefined) return { counts: opts.splitCounts, source: 'given' };
  if (summary !== undefined) return { counts: { grpc: summary.routes.grpc?.requests ?? 0, redis: summary.routes.redis?.requests ?? 0 }, source: 'k6' };
  return { counts: { grpc: acks.byRoute.grpc.size, redis: acks.byRoute.redis.size }, source: 'acks' };
}

/** The verdict of a reconciliation, its split test and k6's setup: pure, so tests build reports from literals. */
export function assembleReport(
  runId: string,
  rec: Reconciliation,
  split: SplitTestResult & { source: SplitSource },
  summary: Pick<K6Summary, 'setupCompleted'> | undefined,
): Pick<ReconcileReport, 'schema' | 'runId' | 'verdict' | 'pass' | 'findings' | 'routes' | 'reconciliation' | 'split'> {
  const findings: Finding[] = [...rec.findings, { kind: 'split', severity: split.pass ? 'info' : 'fail', test: split }];
  if (summary !== undefined && !summary.setupCompleted) findings.push({ kind: 'k6-setup-failed', severity: 'fail' });
  const pass = !findings.some((f) => f.severity === 'fail');
  return {
    schema: RECONCILE_SCHEMA,
    runId,
    verdict: pass ? 'PASS' : 'FAIL',
    pass,
    findings: bySeverity(findings),
    routes: rec.routes,
    reconciliation: { countsOnly: rec.countsOnly, lost: rec.lost, duplicated: rec.duplicated, unacknowledged: rec.unacknowledged, ackLog: rec.ackLog },
    split,
  };
}

export async function reconcileRun(opts: ReconcileRunOptions): Promise<ReconcileReport> {
  if (!RUN_ID_PATTERN.test(opts.runId)) throw new UsageError(`run id ${JSON.stringify(opts.runId)} does not match ${String(RUN_ID_PATTERN)}`);
  const mongoDb = opts.mongoDb ?? MONGO_DB_DEFAULT;
  const routeFile = opts.routeFile ?? SPLIT_ROUTE_FILE;
  const weights = opts.weights ?? routeFractions(readSplit(routeFile));

  const summary = opts.summaryFile !== undefined ? await readK6Summary(opts.summaryFile) : undefined;
  if (summary !== undefined && summary.runId !== null && summary.runId !== opts.runId) {
    throw new UsageError(`${opts.summaryFile} is for run ${summary.runId}, not ${opts.runId}`);
  }
  const acks = opts.acksFile === '-' ? await readAckStream(process.stdin, opts.runId) : await readAckFile(opts.acksFile, opts.runId);
  const snapshot = await readStores({ mongoUrl: opts.mongoUrl, mongoDb, redisUrl: opts.redisUrl, timeoutMs: opts.timeoutMs, batchSize: opts.batchSize }, acks);
  const expectedAcks = summary && Object.fromEntries(Object.entries(summary.routes).map(([r, s]) => [r, s.acknowledged]));
  const rec = reconcile(acks, snapshot, { maxIds: opts.maxIds, expectedAcks, ackLogEnabled: summary?.settings.ackLog ?? true, duplicatesFail: opts.duplicatesFail, convergenceFails: opts.convergenceFails });

  const { counts, source } = splitCounts(opts, summary, acks);
  const split = { ...splitTest(counts, weights, { alpha: opts.alpha ?? DEFAULT_ALPHA }), source };
  return {
    ...assembleReport(opts.runId, rec, split, summary),
    ackFile: { file: opts.acksFile, lines: acks.lines.total, acks: acks.lines.acks, otherRuns: acks.lines.otherRuns, otherRunIds: acks.otherRunIds, malformed: acks.lines.malformed },
    inputs: { summaryFile: opts.summaryFile ?? null, mongoDb, weightsFrom: opts.weights !== undefined ? 'given' : routeFile },
  };
}
