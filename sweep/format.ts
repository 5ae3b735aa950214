/**
 * Text for people, made from the sweep's data at the edge: one progress line per event, the table at
 * the end (capacity against weight beside both models; each route's figures at the fixed rate), and the
 * answer in sentences. Nothing here is parsed back.
 */
import { formatSearchEvent } from '../capacity/format.js';
import { ROUTES, type RouteName } from '../contract/routes.js';
import { table, type Column } from '../format/table.js';
import type { SweepEvent } from './sweep.js';
import type { ModelPoint, Spread, SweepAnswer, SweepReport, SweepPoint } from './types.js';

const whole = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : v.toFixed(0));
const oneDp = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : v.toFixed(1));
/** "+41.1%", "-10.4%"; a difference that rounds to nothing is "+0.0%", never "-0.0%". */
export function signedPct(v: number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const text = (v * 100).toFixed(1);
  return Number(text) < 0 ? `${text}%` : `+${text.replace(/^-/, '')}%`;
}

/** "412" with one value, "412 (398..430)" with several. */
export function spreadText(s: Spread, digits = 0): string | null {
  if (s.median === null) return s.values.length > 0 ? 'none' : null;
  const f = (v: number): string => v.toFixed(digits);
  const measured = s.values.filter((v) => v !== null).length;
  const range = measured > 1 ? ` (${f(s.min!)}..${f(s.max!)})` : '';
  // Repeats that could not say are not hidden behind the others' median.
  const missing = measured < s.values.length ? ` [${measured} of ${s.values.length} measured]` : '';
  return `${f(s.median)}${range}${missing}`;
}

export const weightLabel = (weightA: number): string => `${weightA}/${100 - weightA}`;

export function formatSweepEvent(e: SweepEvent): string | null {
  const at = `A/B ${weightLabel(e.weightA)} (repeat ${e.repeat + 1})`;
  switch (e.type) {
    case 'pointStart':
      return `${at}: weights set; warming up`;
    case 'search':
      return formatSearchEvent(at, e.event);
    case 'fixedRate': {
      const routes = ROUTES.flatMap((r) => {
        const f = e.run.routes[r];
        return f ? [`${r} p99 ${oneDp(f.p99Ms) ?? '-'} ms, ${(f.errorRate * 100).toFixed(2)}% errors, ${f.cpuMsPerRequest?.toFixed(2) ?? '-'} CPU ms/req`] : [];
      });
      return `${at}: at ${e.run.rateRps} req/s: ${routes.join('; ') || 'no route answered'}${e.run.droppedIterations > 0 ? `; ${e.run.droppedIterations} dropped iterations` : ''}`;
    }
    case 'fixedRateFailed':
      return `${at}: the fixed-rate run could not be made: ${e.message}`;
  }
}

/** Median of a route's figure at the fixed rate over the repeats that have it. */
function routeMedian(p: SweepPoint, route: RouteName, figure: 'p50Ms' | 'p95Ms' | 'p99Ms' | 'errorRate' | 'cpuMsPerRequest'): number | null {
  const values = p.repeats.map((r) => r.fixedRate?.routes[route]?.[figure] ?? null).filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (values.length === 0) return null;
  const n = values.length;
  return n % 2 ? values[(n - 1) / 2]! : (values[n / 2 - 1]! + values[n / 2]!) / 2;
}

export function formatSweepTable(report: SweepReport): string {
  const models = report.answer.models.kind === 'computed' ? new Map(report.answer.models.points.map((m) => [m.weightA, m])) : new Map<number, ModelPoint>();
  const capacityHeader = report.source === 'steps' ? 'passed at req/s' : 'capacity req/s';
  const cap: Column<SweepPoint>[] = [
    { header: 'A/B weight', cell: (p) => weightLabel(p.weightA) },
    { header: capacityHeader, cell: (p) => spreadText(p.capacity) },
    { header: 'shared-cores model', cell: (p) => whole(models.get(p.weightA)?.sharedCores) },
    { header: 'own-pods model', cell: (p) => whole(models.get(p.weightA)?.ownPods) },
    { header: 'measured vs shared', cell: (p) => signedPct(models.get(p.weightA)?.splitCost) },
  ];
  const rate = report.fixedRateRps === null ? 'each step\'s rate' : `${report.fixedRateRps} req/s`;
  const perRoute: Column<SweepPoint>[] = [
    { header: 'A/B weight', cell: (p) => weightLabel(p.weightA) },
    ...ROUTES.flatMap((r): Column<SweepPoint>[] => [
      { header: `${r} p50`, cell: (p) => oneDp(routeMedian(p, r, 'p50Ms')) },
      { header: `${r} p95`, cell: (p) => oneDp(routeMedian(p, r, 'p95Ms')) },
      { header: `${r} p99`, cell: (p) => (p.p99Ms[r] ? spreadText(p.p99Ms[r], 1) : null) },
      { header: `${r} err`, cell: (p) => { const v = routeMedian(p, r, 'errorRate'); return v === null ? null : `${(v * 100).toFixed(2)}%`; } },
      { header: `${r} CPU ms/req`, cell: (p) => { const v = routeMedian(p, r, 'cpuMsPerRequest'); return v === null ? null : v.toFixed(2); } },
    ]),
  ];
  return [
    `Capacity of the split against route A's weight (median of ${report.repeats} repeat${report.repeats === 1 ? '' : 's'}, range in brackets):`,
    table(cap, report.points),
    '',
    `Each route at ${rate} (ms; '-': the route got no traffic at that weight):`,
    table(perRoute, report.points),
    '',
    ...formatAnswer(report.answer, report.source),
  ].join('\n');
}

export function formatAnswer(a: SweepAnswer, source: SweepReport['source'] = 'local'): string[] {
  const out: string[] = [];
  const what = source === 'steps' ? 'the highest rate whose step passed' : 'the highest capacity under the SLO';
  if (a.best === null) out.push(`No weight met the SLO at any rate tried: there is no best weight.`);
  else {
    out.push(`Best weight: A/B ${weightLabel(a.best.weightA)}, ${what}: ${spreadText(a.best.capacity)} req/s.`);
    if (a.runnerUp === null) out.push('No runner-up: no other weight met the SLO.');
    else if (a.certainty.tiedWithRunnerUp) out.push(`Tied: A/B ${weightLabel(a.runnerUp.weightA)} has the same capacity (${spreadText(a.runnerUp.capacity)} req/s); the sweep does not choose between them (a finer --precision might).`);
    else if (a.certainty.overlapsRunnerUp === null) out.push(`Runner-up A/B ${weightLabel(a.runnerUp.weightA)} at ${spreadText(a.runnerUp.capacity)} req/s; one repeat, so no spread to say how sure (run with --repeats 3).`);
    else if (a.certainty.overlapsRunnerUp) out.push(`Not separated: the runner-up A/B ${weightLabel(a.runnerUp.weightA)} (${spreadText(a.runnerUp.capacity)} req/s) reaches the best's range over ${a.certainty.repeats} repeats.`);
    else out.push(`Separated: over ${a.certainty.repeats} repeats the runner-up A/B ${weightLabel(a.runnerUp.weightA)} (${spreadText(a.runnerUp.capacity)} req/s) stays below the best's lowest.`);
  }
  if (a.models.kind === 'notComputable') out.push(`Models not computed: ${a.models.reason}.`);
  else {
    const m = a.models;
    out.push(`Models from C_A ${whole(m.capacityA)} req/s (A alone) and C_B ${whole(m.capacityB)} req/s (B alone): shared cores 1/(w/C_A + (1-w)/C_B), own pods min(C_A/w, C_B/(1-w)).`);
    const split = m.points.filter((p) => p.weightA > 0 && p.weightA < 100 && p.splitCost !== null);
    if (split.length > 0) {
      const worst = split.reduce((x, y) => (Math.abs(y.splitCost!) > Math.abs(x.splitCost!) ? y : x));
      // Below the model: splitting itself costs (each route's processes serve a part of the rate, at a
      // higher CPU per request). Above it: no such cost shows, and the routes' own capacities, the
      // model's inputs, may have been measured low (one repeat of a noisy search near the knee).
      const reading =
        worst.splitCost! < 0
          ? 'below the model: what splitting itself costs'
          : 'above the model: no cost of splitting shows, and C_A or C_B may have been measured low (repeat the sweep: --repeats 3)';
      out.push(`Measured against the shared-cores model at the split weights: ${split.map((p) => `${weightLabel(p.weightA)} ${signedPct(p.splitCost)}`).join(', ')} (largest ${signedPct(worst.splitCost)} at ${weightLabel(worst.weightA)}, ${reading}).`);
    }
  }
  return out;
}
