/**
 * A fault run's own analysis, from the client's samples: when each route answered 2xx again after each
 * fault, and each route's figures inside and outside the fault windows (one read of the samples).
 */
import { analyseFaults, faultWindows, outcomes, type FaultAnalysis, type Thresholds } from '../faults/analysis.js';
import type { FaultRecord } from '../faults/injector.js';
import { RecoveryTracker, WindowWidener } from '../faults/recovery.js';
import { readAckFile } from '../reconcile/acks.js';
import { samplesFileOf } from '../timeseries/build.js';
import { readRouteSamples, type RouteSample } from '../timeseries/k6-csv.js';
import { summarizeWindows } from '../timeseries/windows.js';

/** Recovery from the ack lines (each holds its request's start), then the windows and the split by them from k6's samples. */
export async function analyseFaultRun(runDir: string, k6Log: string, runId: string, records: FaultRecord[], routes: string[], th: Thresholds): Promise<FaultAnalysis> {
  const file = samplesFileOf(runDir);
  if (file === undefined) throw new Error(`${runDir} holds no k6 samples: cannot split the run by its fault windows`);
  const tracker = new RecoveryTracker(records, routes, th.p99Ms);
  await readAckFile(k6Log, runId, (a) => tracker.add(a));
  const faults = outcomes(records, tracker.result());
  // The samples are read once: the windows widen to the last answer of a request in flight at their
  // end, and only then can the same samples be split by them.
  const widener = new WindowWidener(faultWindows(faults));
  const samples: RouteSample[] = [];
  await readRouteSamples(file, (s) => {
    widener.add(s);
    samples.push(s);
  });
  const windows = widener.result();
  return analyseFaults(faults, windows, await summarizeWindows(samples, windows), routes, th);
}
