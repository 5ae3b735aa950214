/** Two capacity runs' cost curves compared, as text (the terminal) and as rows (the page): one place that says how each reads. */
import { table } from '../format/table.js';
import type { CurveComparison, CurveRow, ProcessCurveComparison } from './curves.js';

const pct = (x: number | null): string => (x === null ? '?' : `${(x * 100).toFixed(0)}%`);

/** One line per process and rate read; a process whose curves share no rate gets one line saying so. */
export interface CurveLine {
  process: string;
  rps: string;
  a: string | null;
  b: string | null;
  ratio: string | null;
  aUncertainty: string;
  bUncertainty: string;
  beyond: string;
}

export function curveLines(c: CurveComparison): CurveLine[] {
  const range = (f: ProcessCurveComparison['a']): string => `${f.fromRps.toFixed(0)}..${f.toRps.toFixed(0)}`;
  return c.processes.flatMap((p): CurveLine[] => {
    const common = { process: p.process, aUncertainty: pct(p.a.uncertainty), bUncertainty: pct(p.b.uncertainty) };
    if (p.rows.length === 0) return [{ ...common, rps: `no rate both measured (A ${range(p.a)}, B ${range(p.b)})`, a: null, b: null, ratio: null, beyond: '-' }];
    return p.rows.map((r: CurveRow) => ({
      ...common,
      rps: r.rps.toFixed(0),
      a: r.aMsPerS.toFixed(1),
      b: r.bMsPerS.toFixed(1),
      ratio: r.ratio === null ? null : r.ratio.toFixed(2),
      beyond: r.beyondUncertainty === null ? '?' : r.beyondUncertainty ? 'yes' : 'no',
    }));
  });
}

export const CURVE_HEADERS = ['process', 'req/s per replica', 'A CPU ms/s', 'B CPU ms/s', 'B / A', 'A ±', 'B ±', 'beyond ±'] as const;

export const CURVE_NOTE =
  "Each curve read by interpolation at rates both measured (per replica), never extrapolated. Beyond ±: B / A further from 1 than the two curves' uncertainties added; ? when a curve cannot say (fewer than three rates and no repeats).";

export function formatCurveComparison(c: CurveComparison): string {
  const only = [c.onlyA.length ? `only in A: ${c.onlyA.join(', ')}` : '', c.onlyB.length ? `only in B: ${c.onlyB.join(', ')}` : ''].filter(Boolean);
  return [
    `A: ${c.a.name} (cost curves from ${c.a.from})`,
    `B: ${c.b.name} (cost curves from ${c.b.from})`,
    '',
    table(
      [
        { header: CURVE_HEADERS[0], cell: (l: CurveLine) => l.process },
        { header: CURVE_HEADERS[1], cell: (l) => l.rps },
        { header: CURVE_HEADERS[2], cell: (l) => l.a },
        { header: CURVE_HEADERS[3], cell: (l) => l.b },
        { header: CURVE_HEADERS[4], cell: (l) => l.ratio },
        { header: CURVE_HEADERS[5], cell: (l) => l.aUncertainty },
        { header: CURVE_HEADERS[6], cell: (l) => l.bUncertainty },
        { header: CURVE_HEADERS[7], cell: (l) => l.beyond },
      ],
      curveLines(c),
    ),
    '',
    CURVE_NOTE,
    ...only,
  ].join('\n');
}
