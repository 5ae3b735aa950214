/** What the time-series sections share: the run's timeseries.json and its routes in a stable order. */
import { ROUTES } from '../../contract/routes.js';
import { parseTimeSeries, TIMESERIES_FILES, type TimeSeries } from '../../contract/timeseries.js';
import type { RunFolder } from '../run-folder.js';

export const loadSeries = (run: RunFolder): TimeSeries | undefined => run.json(TIMESERIES_FILES.series, parseTimeSeries);

/** grpc and redis first, then any other route k6 recorded that had requests (none: no X-Route). */
export function routesOf(ts: TimeSeries): string[] {
  const known = (ROUTES as readonly string[]).filter((r) => r in ts.routes);
  const others = Object.keys(ts.routes).filter((r) => !known.includes(r) && (ts.totals[r]?.requests ?? 0) + (ts.totals[r]?.attempts ?? 0) > 0);
  return [...known, ...others];
}
