/**
 * A fault run's own analysis, from the client's records: when each route answered 2xx again after each
 * fault (the ack lines) and answered without errors in time again (k6's samples), and each route's
 * figures inside and outside the fault windows (one read of the samples).
 */
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import { analyseFaults, faultWindows, outcomes, type FaultAnalysis, type Thresholds } from '../faults/analysis.js';
import type { FaultRecord } from '../faults/injector.js';
import { RecoveryTracker, WindowWidener } from '../faults/recovery.js';
import { readAckFile } from '../reconcile/acks.js';
import { samplesFileOf } from '../timeseries/build.js';
import { readRouteSamples, type RouteSample } from '../timeseries/k6-csv.js';
import { summarizeWindows, type TimeWindow } from '../timeseries/windows.js';

/**
 * Recovery from the ack lines (each holds its request's start), settling from k6's samples (every
 * request, failed ones too), then the windows and the split by them. `expectedPerSecond`: each route's
 * expected requests per second (a second with far fewer says nothing about settling). `th` null: the
 * run judges no thresholds (settled then means answering without errors again).
 */
export async function analyseFaultRun(runDir: string, k6Log: string, runId: string, records: FaultRecord[], routes: string[], th: Thresholds | null, expectedPerSecond: Record<string, number> = {}): Promise<FaultAnalysis> {
  const file = samplesFileOf(runDir);
  if (file === undefined) throw new Error(`${runDir} holds no k6 samples: cannot split the run by its fault windows`);
  const tracker = new RecoveryTracker(records, routes, th?.p99Ms ?? null, expectedPerSecond);
  await readAckFile(k6Log, runId, (a) => tracker.add(a));
  // The samples are read once, and kept: the windows come from the recovery, and widen to the last
  // answer of a request in flight at their end; only then can the same samples be split by them.
  const samples: RouteSample[] = [];
  const span: TimeWindow = { start: Infinity, end: -Infinity };
  await readRouteSamples(file, (s) => {
    tracker.addSample(s);
    samples.push(s);
    if (s.metric === M.requestDuration) {
      span.start = Math.min(span.start, s.t - s.value);
      span.end = Math.max(span.end, s.t + 1);
    }
  });
  const judged = outcomes(records, tracker.result());
  const widener = new WindowWidener(faultWindows(judged));
  for (const s of samples) widener.add(s);
  const windows = widener.result();
  return analyseFaults(judged, windows, await summarizeWindows(samples, windows), routes, th, span.end > span.start ? span : undefined);
}
