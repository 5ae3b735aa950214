/**
 * A fault run's own analysis, from the client's samples: when each route answered 2xx again after each
 * fault, and each route's figures inside and outside the fault windows (one pass over the samples).
 */
import { analyseFaults, faultWindows, outcomes, type FaultAnalysis, type Thresholds } from '../faults/analysis.js';
import type { FaultRecord } from '../faults/injector.js';
import { RecoveryTracker, WindowWidener } from '../faults/recovery.js';
import { matchAckLines } from '../contract/ack-line.js';
import { samplesFileOf } from '../timeseries/build.js';
import { readRouteSamples } from '../timeseries/k6-csv.js';
import { summarizeWindows } from '../timeseries/windows.js';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** Recovery from the ack lines (each holds its request's start), then the windows and the split by them from k6's samples. */
export async function analyseFaultRun(runDir: string, k6Log: string, runId: string, records: FaultRecord[], routes: string[], th: Thresholds): Promise<FaultAnalysis> {
  const file = samplesFileOf(runDir);
  if (file === undefined) throw new Error(`${runDir} holds no k6 samples: cannot split the run by its fault windows`);
  const tracker = new RecoveryTracker(records, routes, th.p99Ms);
  for await (const line of createInterface({ input: createReadStream(k6Log), crlfDelay: Infinity })) {
    for (const a of matchAckLines(line)) if (a.runId === runId) tracker.add(a);
  }
  const faults = outcomes(records, tracker.result());
  const widener = new WindowWidener(faultWindows(faults));
  await readRouteSamples(file, (s) => widener.add(s));
  const windows = widener.result();
  const summary = await summarizeWindows(file, windows);
  return analyseFaults(faults, windows, summary, routes, th);
}
