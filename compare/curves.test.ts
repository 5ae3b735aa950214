// Two capacity runs' cost curves compared, on synthetic curves of a known shape (cost/curve.ts's own
// fitOf gives each its uncertainty), then `npm run compare` on two folders holding them.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COST_CURVE_SCHEMA, fitOf, type CurvePoint } from '../cost/curve.js';
import type { CostCurves, ProcessCurve } from '../cost/curves.js';
import { runTsx } from '../test/run-cli.js';
import { formatCurveComparison } from './curve-format.js';
import { compareCurves } from './curves.js';

const point = (rps: number, cpuMsPerS: number): CurvePoint => ({ rps, cpuMsPerS, source: rps === 0 ? 'idle' : 'trial', windowS: 15 });
const curve = (process: string, shape: (rps: number) => number, rates: number[]): ProcessCurve => {
  const points = rates.map((r) => point(r, shape(r)));
  return { process, points, fit: fitOf(points) };
};
const curves = (from: string, processes: ProcessCurve[]): CostCurves => ({ schema: COST_CURVE_SCHEMA, from, processes, rule: '' });

/** Straight lines: interpolation reads them exactly, and a leave-one-out miss of 0 (the uncertainty is 0). */
const line = (rps: number): number => 40 + 2 * rps;
/** Bent: the leave-one-out miss is the uncertainty, and a small change hides inside it. */
const bent = (rps: number): number => 40 + 6 * rps ** 0.8;

const A = curves('results/capacity-a', [
  curve('grpc-client', line, [0, 100, 200, 400]),
  curve('grpc-server', bent, [0, 100, 200, 400, 800]),
  curve('redis', line, [0, 300]),
  curve('ingress', line, [100, 200]),
  curve('k6', line, [0, 100, 200]),
]);
const B = curves('results/capacity-b', [
  // 30% dearer everywhere, measured at other rates and further.
  curve('grpc-client', (r) => 1.3 * line(r), [0, 150, 300, 600]),
  curve('grpc-server', (r) => 1.01 * bent(r), [0, 100, 200, 400, 800]),
  curve('redis', line, [0, 300]),
  curve('ingress', line, [300, 400]),
  curve('mongo', line, [0, 100, 200]),
]);

t.test('per process: the CPU both curves read at rates both measured, B / A, beyond their uncertainty or not', async (t) => {
  const c = compareCurves({ name: 'a', curves: A }, { name: 'b', curves: B });
  const p = (name: string) => c.processes.find((x) => x.process === name)!;
  const gc = p('grpc-client');
  t.same(gc.common, { fromRps: 0, toRps: 400 }, "the rates both measured: B's range cut to A's");
  t.same(gc.rows.map((r) => r.rps), [0, 400 / 3, 800 / 3, 400], 'four rates, both ends and evenly between');
  for (const r of gc.rows) t.ok(Math.abs(r.ratio! - 1.3) < 1e-9, `at ${r.rps.toFixed(0)} req/s: B / A ${r.ratio}`);
  t.ok(gc.rows.every((r) => r.beyondUncertainty === true), 'straight lines read exactly (uncertainty 0): 30% is beyond it');
  t.equal(gc.a.uncertainty, 0);

  const gs = p('grpc-server');
  t.ok(gs.a.uncertainty! > 0.02, `a bent curve's uncertainty is measured (${gs.a.uncertainty})`);
  t.ok(gs.rows.every((r) => Math.abs(r.ratio! - 1.01) < 1e-9 && r.beyondUncertainty === false), '1% dearer: within the two curves\' uncertainty');

  t.ok(p('redis').rows.every((r) => r.ratio === 1 && r.beyondUncertainty === null), 'two rates each: the ratio, but no uncertainty to judge it by');
  t.same(p('ingress'), { process: 'ingress', a: A.processes[3]!.fit, b: B.processes[3]!.fit, common: null, rows: [] }, 'ranges that do not meet: nothing read, nothing extrapolated');
  t.same([c.onlyA, c.onlyB], [['k6'], ['mongo']]);

  const text = formatCurveComparison(c);
  t.match(text, /^A: a \(cost curves from results\/capacity-a\)\nB: b \(cost curves from results\/capacity-b\)\n/);
  t.match(text, /\n {2}grpc-client +400 +840\.0 +1092\.0 +1\.30 +0% +0% +yes\n/, 'one line per rate: both readings, the ratio, both uncertainties');
  t.match(text, /\n {2}redis +300 +640\.0 +640\.0 +1\.00 +\? +\? +\?\n/);
  t.match(text, /\n {2}ingress +no rate both measured \(A 100\.\.200, B 300\.\.400\)/);
  t.match(text, /only in A: k6\nonly in B: mongo$/);
});

t.test('npm run compare on two capacity folders compares their curves; a capacity folder beside a run folder is refused', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-curves-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, c] of [['cap-a', A], ['cap-b', B]] as const) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'cost-curve.json'), JSON.stringify(c));
  }
  const page = path.join(dir, 'page.html');
  const json = await runTsx('compare/main.ts', [path.join(dir, 'cap-a'), path.join(dir, 'cap-b'), '--json', '--out', page]);
  t.equal(json.code, 0, json.stderr);
  t.same(JSON.parse(json.stdout), JSON.parse(JSON.stringify(compareCurves({ name: 'cap-a', curves: A }, { name: 'cap-b', curves: B }))), 'the comparison as JSON');
  t.match(json.stderr, /page: .*page\.html/);
  const text = await runTsx('compare/main.ts', [path.join(dir, 'cap-a'), path.join(dir, 'cap-b')]);
  t.match(text.stdout, /grpc-client +400 +840\.0 +1092\.0 +1\.30/);
  mkdirSync(path.join(dir, 'run'));
  const mixed = await runTsx('compare/main.ts', [path.join(dir, 'cap-a'), path.join(dir, 'run')]);
  t.equal(mixed.code, 1);
  t.match(mixed.stderr, /cap-a is a capacity folder \(cost-curve\.json\) and the other is not/);
});
