/**
 * The one text-table formatter: the k6 summary, the demo's verdict, the reconciler, the capacity search
 * and the grade report all print through it, so numbers look the same everywhere.
 * (No imports: k6 loads this file as it is.)
 */

export interface Column<Row> {
  header: string;
  /** The cell's text; null prints as '-'. */
  cell: (row: Row) => string | number | null;
  /** Numbers right, text left (the default: right unless it is the first column). */
  align?: 'left' | 'right';
}

/** Rows under a header line, each column as wide as its widest cell, two spaces apart. */
export function table<Row>(columns: Column<Row>[], rows: readonly Row[], indent = '  '): string {
  const cells = rows.map((row) => columns.map((c) => text(c.cell(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]): string =>
    indent +
    values
      .map((v, i) => ((columns[i]!.align ?? (i === 0 ? 'left' : 'right')) === 'left' ? v.padEnd(widths[i]!) : v.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n');
}

const text = (v: string | number | null): string => (v === null ? '-' : String(v));

/** 0.1234 -> "12.34%". */
export function pct(fraction: number, digits = 2): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** A number of milliseconds with one decimal, or null (prints '-'). */
export function ms(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : value.toFixed(1);
}

/** "1 write", "3 writes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A p-value as a person reads it: 3 significant digits, exponent form when tiny. */
export function pValue(p: number | null): string {
  if (p === null) return 'n/a';
  return p === 0 || p >= 0.001 ? p.toPrecision(3) : p.toExponential(2);
}

/** The per-route figures every run prints (k6's table, the demo's verdict): one column set, one order. */
export interface RouteRow {
  name: string;
  requests: number;
  acknowledged: number;
  /** Records MongoDB holds for the route, when the caller has read them. */
  stored?: number;
  rps: number;
  errorRate: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  attempts: number;
  retries: number;
}

export function routeTable(rows: readonly RouteRow[], indent = '  '): string {
  const stored = rows.some((r) => r.stored !== undefined);
  const columns: Column<RouteRow>[] = [
    { header: 'route', cell: (r) => r.name },
    { header: 'requests', cell: (r) => r.requests },
    { header: 'acked', cell: (r) => r.acknowledged },
    ...(stored ? [{ header: 'stored', cell: (r: RouteRow) => r.stored ?? null }] : []),
    { header: 'req/s', cell: (r) => r.rps.toFixed(1) },
    { header: 'errors', cell: (r) => pct(r.errorRate) },
    { header: 'p50 ms', cell: (r) => ms(r.p50) },
    { header: 'p95 ms', cell: (r) => ms(r.p95) },
    { header: 'p99 ms', cell: (r) => ms(r.p99) },
    { header: 'attempts', cell: (r) => r.attempts },
    { header: 'retries', cell: (r) => r.retries },
  ];
  return table(columns, rows, indent);
}
