/** Text for people from the cost curves and their predictions, made at the edge; nothing is parsed back. */
import { table } from '../format/table.js';
import { readCurve } from './curve.js';
import type { CostCurves, Prediction, checkPrediction } from './curves.js';

const pct = (x: number | null): string | null => (x === null ? null : `${(x * 100).toFixed(0)}%`);

/** Per process: the rates measured, the CPU at rest and per request at the ends, and how far to trust a reading. */
export function formatCurves(curves: CostCurves): string {
  const rows = curves.processes.map((c) => {
    const idle = c.points.find((p) => p.rps === 0);
    const busy = c.points.filter((p) => p.rps > 0);
    const lo = busy[0];
    const hi = busy[busy.length - 1];
    return { c, idle, lo, hi };
  });
  return table(
    [
      { header: 'process', cell: (r) => r.c.process },
      { header: 'rates', cell: (r) => r.c.fit.rates },
      { header: 'req/s measured (per replica)', cell: (r) => (r.lo && r.hi ? `${r.lo.rps.toFixed(0)}..${r.hi.rps.toFixed(0)}` : null) },
      { header: 'at rest ms/s', cell: (r) => r.idle?.cpuMsPerS.toFixed(1) ?? null },
      { header: 'ms/req at lowest', cell: (r) => (r.lo ? (readCurve(r.c.points, r.lo.rps).cpuMsPerS / r.lo.rps).toFixed(3) : null) },
      { header: 'ms/req at highest', cell: (r) => (r.hi ? (readCurve(r.c.points, r.hi.rps).cpuMsPerS / r.hi.rps).toFixed(3) : null) },
      { header: 'uncertainty', cell: (r) => pct(r.c.fit.uncertainty) ?? (r.c.fit.rates < 3 ? `${r.c.fit.rates} rate(s): unknown` : null) },
    ],
    rows,
  );
}

export function formatPrediction(p: Prediction): string {
  const weights = Object.entries(p.weights)
    .map(([r, w]) => `${r} ${(w * 100).toFixed(0)}%`)
    .join(' / ');
  const head = `at ${p.rateRps} req/s (${weights}), ${p.replicas} replica${p.replicas === 1 ? '' : 's'} of each service:`;
  const body = table(
    [
      { header: 'process', cell: (x: Prediction['processes'][number]) => x.process },
      { header: 'instances', cell: (x) => x.instances },
      { header: 'req/s each', cell: (x) => x.rpsPerInstance.toFixed(0) },
      { header: 'CPU ms/s', cell: (x) => x.cpuMsPerS.toFixed(0) },
      { header: '±', cell: (x) => pct(x.uncertainty) },
      { header: 'read', cell: (x) => (x.extrapolated ? 'EXTRAPOLATED' : 'interpolated'), align: 'left' },
      { header: 'ceiling at req/s', cell: (x) => (x.ceilingAtRps === null ? null : `${x.ceilingAtRps.toFixed(0)}${x.ceilingExtrapolated ? ' (extrapolated)' : ''}`) },
    ],
    p.processes,
  );
  const cores = Object.entries(p.routeCores)
    .map(([r, c]) => `${r} ${c.toFixed(2)}`)
    .join(', ');
  const limit = p.limitedBy === null ? 'no process reaches its ceiling on these curves' : `${p.limitedBy.process} reaches its ceiling first, at ${p.limitedBy.atRps.toFixed(0)} req/s${p.limitedBy.extrapolated ? ' (extrapolated beyond the measured rates)' : ''}`;
  return `${head}\n${body}\ncores per route (with its share of MongoDB): ${cores}; the stack without k6: ${p.stackCores.toFixed(2)}\nlimit: ${limit}`;
}

export function formatCheck(rows: ReturnType<typeof checkPrediction>): string {
  return table(
    [
      { header: 'process', cell: (x: (typeof rows)[number]) => x.process },
      { header: 'predicted ms/s', cell: (x) => x.predictedMsPerS.toFixed(0) },
      { header: 'measured ms/s', cell: (x) => x.measuredMsPerS.toFixed(0) },
      { header: 'off by', cell: (x) => (x.relError === null ? null : `${x.relError >= 0 ? '+' : ''}${(x.relError * 100).toFixed(1)}%`) },
      { header: 'within the stated ±', cell: (x) => (x.withinUncertainty === null ? null : x.withinUncertainty ? 'yes' : 'NO'), align: 'left' },
    ],
    rows,
  );
}
