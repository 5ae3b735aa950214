/**
 * After the load: reconcile what k6 saw acknowledged with what MongoDB and Redis hold (the split is
 * tested on k6's per-route counts, the client's view), and read the grade aggregates the Grafana
 * dashboards would show (Grafana cannot run locally).
 */
import { formatGradeReport, readGradeAggregates, type GradeAggregates } from '../grafana/grade-report.js';
import { reconcileRun, type ReconcileReport } from '../reconcile/run.js';
import type { StackEndpoints } from '../stack/stack.js';

export interface ChecksInput {
  runId: string;
  acksFile: string;
  summaryFile: string | undefined;
  endpoints: StackEndpoints;
  weights: Record<string, number>;
  /** The split's counts when k6's totals are not the right ones (a fault run: attempts outside the faults). */
  splitCounts?: Record<'grpc' | 'redis', number>;
}

export interface ChecksResult {
  report: ReconcileReport | undefined;
  grades: GradeAggregates | undefined;
  gradesText: string | undefined;
  errors: { what: string; message: string }[];
}

export async function runChecks(inp: ChecksInput): Promise<ChecksResult> {
  const errors: ChecksResult['errors'] = [];
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
      ...(inp.splitCounts ? { splitCounts: inp.splitCounts } : {}),
      // A record counted twice breaks the promise as surely as a lost one; and after the settle wait,
      // route B's stores must agree.
      duplicatesFail: true,
      convergenceFails: true,
    });
  } catch (err) {
    errors.push({ what: 'reconciliation', message: (err as Error).message });
  }

  let grades: GradeAggregates | undefined;
  let gradesText: string | undefined;
  try {
    grades = await readGradeAggregates({ redisUrl: inp.endpoints.redisUrl, mongoUrl: inp.endpoints.mongoUrl, dbName: inp.endpoints.mongoDb, runId: inp.runId });
    gradesText = formatGradeReport(grades);
  } catch (err) {
    errors.push({ what: 'reading the grade aggregates', message: (err as Error).message });
  }
  return { report, grades, gradesText, errors };
}
