/**
 * The demo's verdict: one pure function from what was measured to results/<run-id>/summary.json,
 * and a table for a person. PASS needs k6's thresholds met, no lost or duplicated write, the split
 * within its statistical test, and no process crashed.
 */
import type { Environment } from './environment.js';
import type { K6Summary } from './k6-run.js';

export interface RouteResult {
  acknowledged: number;
  stored: number;
  requests: number;
  rps: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errorRate: number;
}

export interface DemoInputs {
  runId: string;
  settings: Record<string, unknown>;
  k6: { exitCode: number; summary: K6Summary | undefined };
  reconciliation: { lost: number; duplicated: number; unacknowledged: number; stored: Record<string, number>; acknowledged: Record<string, number>; reasons: string[] } | undefined;
  split: { expected: Record<string, number>; observed: Record<string, number>; counts: Record<string, number>; n: number; pValue: number; alpha: number; pass: boolean; method: string } | undefined;
  crashed: string | undefined;
  environment: Environment;
  grades?: unknown;
  files: Record<string, string>;
}

export interface DemoSummary {
  runId: string;
  verdict: 'PASS' | 'FAIL';
  reasons: string[];
  routes: Record<'grpc' | 'redis', RouteResult>;
  split: DemoInputs['split'] | null;
  reconciliation: { lost: number; duplicated: number; unacknowledged: number } | null;
  k6: { exitCode: number; requests: number; rps: number; droppedIterations: number; thresholdsFailed: string[] } | null;
  grades?: unknown;
  environment: Environment & { settings: Record<string, unknown> };
  files: Record<string, string>;
}

const K6_EXIT_MEANING: Record<number, string> = {
  99: 'thresholds crossed',
  107: 'bad settings (see k6.log)',
  108: 'the target was not ready in setup()',
};

export function buildSummary(inp: DemoInputs): DemoSummary {
  const reasons: string[] = [];
  const k6s = inp.k6.summary;
  if (inp.crashed) reasons.push(`a process crashed: ${inp.crashed}`);
  if (!k6s) reasons.push(`k6 wrote no summary (exit ${inp.k6.exitCode}${K6_EXIT_MEANING[inp.k6.exitCode] ? `: ${K6_EXIT_MEANING[inp.k6.exitCode]}` : ''})`);
  else {
    if (inp.k6.exitCode !== 0) reasons.push(`k6 exited ${inp.k6.exitCode}${K6_EXIT_MEANING[inp.k6.exitCode] ? ` (${K6_EXIT_MEANING[inp.k6.exitCode]})` : ''}`);
    for (const t of k6s.thresholds.failed) reasons.push(`threshold failed: ${t}`);
    if (k6s.requests === 0) reasons.push('k6 sent no requests');
    if (k6s.droppedIterations > 0) reasons.push(`note: k6 dropped ${k6s.droppedIterations} iterations (not enough VUs for the rate; the offered load was lower than asked)`);
  }
  const rec = inp.reconciliation;
  if (!rec) reasons.push('reconciliation did not run');
  else {
    if (rec.lost > 0) reasons.push(`${rec.lost} acknowledged write(s) lost`);
    if (rec.duplicated > 0) reasons.push(`${rec.duplicated} write(s) counted twice`);
    for (const r of rec.reasons) if (!reasons.includes(r)) reasons.push(r);
  }
  const split = inp.split;
  if (!split) reasons.push('split test did not run');
  else if (!split.pass) {
    reasons.push(`split outside its test: observed grpc ${(100 * (split.observed.grpc ?? 0)).toFixed(1)}% vs expected ${(100 * (split.expected.grpc ?? 0)).toFixed(1)}% (n=${split.n}, p=${split.pValue.toExponential(2)} < ${split.alpha})`);
  }
  const failing = reasons.filter((r) => !r.startsWith('note:') && !r.startsWith('info:'));
  const routes = {} as DemoSummary['routes'];
  for (const route of ['grpc', 'redis'] as const) {
    const r = k6s?.routes[route];
    routes[route] = {
      acknowledged: rec?.acknowledged[route] ?? r?.acknowledged ?? 0,
      stored: rec?.stored[route] ?? 0,
      requests: r?.requests ?? 0,
      rps: r?.rps ?? 0,
      p50: r?.p50 ?? null,
      p95: r?.p95 ?? null,
      p99: r?.p99 ?? null,
      errorRate: r?.errorRate ?? 0,
    };
  }
  return {
    runId: inp.runId,
    verdict: failing.length === 0 ? 'PASS' : 'FAIL',
    reasons,
    routes,
    split: split ?? null,
    reconciliation: rec ? { lost: rec.lost, duplicated: rec.duplicated, unacknowledged: rec.unacknowledged } : null,
    k6: k6s ? { exitCode: inp.k6.exitCode, requests: k6s.requests, rps: k6s.rps, droppedIterations: k6s.droppedIterations, thresholdsFailed: k6s.thresholds.failed } : null,
    ...(inp.grades !== undefined ? { grades: inp.grades } : {}),
    environment: { ...inp.environment, settings: inp.settings },
    files: inp.files,
  };
}

const ms = (v: number | null): string => (v === null ? '-' : v.toFixed(1));

export function formatSummary(s: DemoSummary): string {
  const lines: string[] = [];
  lines.push(`splitbench demo ${s.runId}`);
  lines.push('');
  lines.push(`${'route'.padEnd(8)} ${'requests'.padStart(9)} ${'acked'.padStart(8)} ${'stored'.padStart(8)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'errors'.padStart(7)}`);
  for (const [name, r] of Object.entries(s.routes)) {
    lines.push(`${name.padEnd(8)} ${String(r.requests).padStart(9)} ${String(r.acknowledged).padStart(8)} ${String(r.stored).padStart(8)} ${r.rps.toFixed(1).padStart(8)} ${ms(r.p50).padStart(7)} ${ms(r.p95).padStart(7)} ${ms(r.p99).padStart(7)} ${(100 * r.errorRate).toFixed(2).padStart(6)}%`);
  }
  lines.push('');
  if (s.split) {
    const pct = (v: number | undefined): string => `${(100 * (v ?? 0)).toFixed(1)}%`;
    lines.push(`split        expected grpc ${pct(s.split.expected.grpc)} / redis ${pct(s.split.expected.redis)}; observed ${pct(s.split.observed.grpc)} / ${pct(s.split.observed.redis)} of ${s.split.n}; p-value ${s.split.pValue.toPrecision(3)} (${s.split.method}, alpha ${s.split.alpha}): ${s.split.pass ? 'within' : 'OUTSIDE'}`);
  }
  if (s.reconciliation) {
    lines.push(`reconciled   lost ${s.reconciliation.lost}, duplicated ${s.reconciliation.duplicated}, stored but unacknowledged ${s.reconciliation.unacknowledged}`);
  }
  if (s.k6) lines.push(`k6           ${s.k6.requests} requests, ${s.k6.rps.toFixed(1)} req/s, dropped iterations ${s.k6.droppedIterations}, exit ${s.k6.exitCode}`);
  lines.push('');
  lines.push(`verdict      ${s.verdict}`);
  for (const r of s.reasons) lines.push(`  - ${r}`);
  lines.push('');
  for (const [what, file] of Object.entries(s.files)) lines.push(`${what.padEnd(12)} ${file}`);
  return lines.join('\n');
}
