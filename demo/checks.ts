/**
 * After the load: reconcile what k6 saw acknowledged with what MongoDB and Redis hold, test the
 * split the ingress made against the HTTPRoute weights, and read the grade aggregates the Grafana
 * dashboards would show (Grafana cannot run locally).
 */
import type { RouteName } from '../contract/routes.js';
import { formatGradeReport, readGradeAggregates, type GradeAggregates } from '../grafana/grade-report.js';
import { reconcileRun, type ReconcileReport } from '../reconcile/main.js';
import type { StackEndpoints } from '../stack/stack.js';
import type { DemoInputs } from './summary.js';

export interface ChecksInput {
  runId: string;
  acksFile: string;
  summaryFile: string | undefined;
  endpoints: StackEndpoints;
  weights: Record<string, number>;
  /** POST /course requests the ingress sent to each route: the split as it was made. */
  routedByIngress: Record<string, number>;
}

export interface ChecksResult {
  reconciliation: DemoInputs['reconciliation'];
  split: DemoInputs['split'];
  report: ReconcileReport | undefined;
  grades: GradeAggregates | undefined;
  gradesText: string | undefined;
  errors: string[];
}

export async function runChecks(inp: ChecksInput): Promise<ChecksResult> {
  const errors: string[] = [];
  let report: ReconcileReport | undefined;
  try {
    report = await reconcileRun({
      runId: inp.runId,
      acksFile: inp.acksFile,
      mongoUrl: inp.endpoints.mongoUrl,
      mongoDb: inp.endpoints.mongoDb,
      redisUrl: inp.endpoints.redisUrl,
      weights: { grpc: inp.weights.grpc ?? 0, redis: inp.weights.redis ?? 0 },
      ...(inp.summaryFile ? { summaryFile: inp.summaryFile } : {}),
      splitCounts: { grpc: inp.routedByIngress.grpc ?? 0, redis: inp.routedByIngress.redis ?? 0 },
      // A record counted twice breaks the promise as surely as a lost one.
      failOnDuplicated: true,
    });
  } catch (err) {
    errors.push(`reconciliation failed: ${(err as Error).message}`);
  }

  let grades: GradeAggregates | undefined;
  let gradesText: string | undefined;
  try {
    grades = await readGradeAggregates({ redisUrl: inp.endpoints.redisUrl, mongoUrl: inp.endpoints.mongoUrl, dbName: inp.endpoints.mongoDb, runId: inp.runId });
    gradesText = formatGradeReport(grades);
  } catch (err) {
    errors.push(`reading the grade aggregates failed: ${(err as Error).message}`);
  }

  if (!report) return { reconciliation: undefined, split: undefined, report, grades, gradesText, errors };
  const routes = Object.keys(report.routes) as RouteName[];
  const per = <T>(f: (r: RouteName) => T): Record<string, T> => Object.fromEntries(routes.map((r) => [r, f(r)]));
  const failing = report.pass ? [] : report.reasons.filter((r) => !report.split.reasons.includes(r) || !report.split.pass);
  return {
    reconciliation: {
      lost: report.reconciliation.lost.count,
      duplicated: report.reconciliation.duplicated.count,
      unacknowledged: report.reconciliation.unacknowledged.count,
      stored: per((r) => report.routes[r].stored),
      acknowledged: per((r) => report.routes[r].acknowledged),
      reasons: failing,
    },
    split: {
      expected: report.split.expected,
      observed: per((r) => report.split.observed[r].share),
      counts: per((r) => report.split.observed[r].count),
      n: report.split.n,
      pValue: report.split.pValue ?? 0,
      alpha: report.split.alpha,
      pass: report.split.pass,
      method: report.split.method,
    },
    report,
    grades,
    gradesText,
    errors,
  };
}
