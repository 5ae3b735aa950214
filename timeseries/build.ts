/**
 * A run folder's k6 samples -> timeseries.json, in one streaming pass that also keeps the route_* rows
 * (route-samples.csv.gz) and then deletes k6's full CSV. Why delete it: on a 60 s run at 200 req/s k6's
 * CSV was 1.34 MB gzip (20 MB of text; about 20 rows per request, most of them k6's http_req_* and
 * data_* metrics we never read), so a 10-minute soak leaves about 13 MB; its route_* rows alone were
 * 0.31 MB, about 3 MB for the soak, and they are all the exact window figures need (windows.ts).
 */
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { TIMESERIES_FILES, type TimeSeries } from '../contract/timeseries.js';
import { SeriesBuilder } from './aggregate.js';
import { readRouteSamples } from './k6-csv.js';

export interface BuildOptions {
  /** Keep k6's full CSV beside the route samples (default: delete it once aggregated). */
  keepRaw?: boolean;
}

export interface BuildResult {
  series: TimeSeries;
  file: string;
  /** Sizes in bytes of what was read and written; raw is null when the run had only route samples. */
  bytes: { raw: number | null; routeSamples: number; series: number };
}

/** The samples file a run folder holds: k6's full CSV, else the route samples kept from an earlier build. */
export function samplesFileOf(runDir: string): string | undefined {
  for (const name of [TIMESERIES_FILES.k6Samples, TIMESERIES_FILES.routeSamples]) {
    const file = path.join(runDir, name);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/** Builds timeseries.json for `runDir`; undefined when it has no samples file (an older run, k6 never started). */
export async function buildTimeSeries(runDir: string, opts: BuildOptions = {}): Promise<BuildResult | undefined> {
  const input = samplesFileOf(runDir);
  if (input === undefined) return undefined;
  const fromRaw = path.basename(input) === TIMESERIES_FILES.k6Samples;
  const routeSamples = path.join(runDir, TIMESERIES_FILES.routeSamples);
  // Written beside and renamed at the end, so a failed pass never leaves a half file under the real name.
  const keepTmp = `${routeSamples}.tmp`;
  const builder = new SeriesBuilder();
  let stats;
  try {
    stats = await readRouteSamples(input, (s) => builder.add(s), fromRaw ? { keep: keepTmp } : {});
  } catch (err) {
    rmSync(keepTmp, { force: true });
    throw err;
  }
  const rawBytes = fromRaw ? statSync(input).size : null;
  if (fromRaw) {
    renameSync(keepTmp, routeSamples);
    if (!opts.keepRaw) rmSync(input);
  }
  const series = builder.build({ file: path.basename(input), ...stats });
  const file = path.join(runDir, TIMESERIES_FILES.series);
  const text = JSON.stringify(series) + '\n';
  writeFileSync(file, text);
  return { series, file, bytes: { raw: rawBytes, routeSamples: statSync(routeSamples).size, series: Buffer.byteLength(text) } };
}
