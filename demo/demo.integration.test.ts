// A few seconds of the whole pipeline, as `npm run demo` runs it: generator, stack, k6 through the
// split, reconciliation, split test, results. A broken link anywhere in the chain fails here.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBinary } from '../stack/tools.js';
import { runTsx } from '../test/run-cli.js';

const k6 = findBinary('k6');
t.test('npm run demo, short: PASS, nothing lost, split within its test, every result file written', { skip: k6 ? false : 'k6 not built: run npm run tools' }, async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-demo-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const { code, output } = await runTsx('demo/main.ts', ['--duration', '5s', '--rate', '40', '--pool', '500', '--out', out,
    // The chain is under test here, not its speed: other tests load this machine at the same time, so
    // no latency or error-rate threshold is judged (errors still show: every request must be acknowledged).
    '--no-thresholds']);
  t.equal(code, 0, 'exit 0 on PASS');
  if (code !== 0) t.comment(output.slice(-4000));
  const runs = readdirSync(out);
  t.equal(runs.length, 1, 'one run folder');
  const dir = path.join(out, runs[0]!);
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  t.equal(summary.verdict, 'PASS');
  t.equal(summary.reconciliation.lost, 0);
  t.equal(summary.reconciliation.duplicated, 0);
  t.ok(summary.split.pValue > summary.split.alpha, `split p-value ${summary.split.pValue}`);
  for (const route of ['grpc', 'redis']) {
    const r = summary.routes[route];
    t.ok(r.acknowledged > 0, `${route}: acknowledged ${r.acknowledged}`);
    t.equal(r.stored, r.acknowledged, `${route}: every acknowledged write stored`);
    for (const f of ['rps', 'p50', 'p95', 'p99', 'errorRate']) t.type(r[f], 'number', `${route}.${f}`);
  }
  t.equal(summary.routes.grpc.acknowledged + summary.routes.redis.acknowledged, summary.k6.requests, 'every request acknowledged');
  t.equal(summary.split.n, summary.k6.requests, 'the split test counts the measured run only, not the warm-up');
  t.match(summary.environment, { node: process.version, k6: /^v2\./, settings: { rate: 40, thresholds: 'off' } });
  t.match(output, /thresholds off \(--no-thresholds\)/, 'and the summary says nothing was judged');
  for (const f of ['report.html', 'k6-summary.json', 'k6.log', 'reconcile.json', 'prometheus.json', 'prometheus/prometheus.log', 'stack/logs/ingress.log', 'stack/endpoints.json']) {
    t.ok(existsSync(path.join(dir, f)), `${f} written`);
  }
  t.match(output, /verdict +PASS/);
  t.match(output, /demo: stopping the local stack/);
});
