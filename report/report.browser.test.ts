// The run report and the compare page of a REAL short run, in a real browser: `demo/main.ts` as
// `npm run demo` runs it (real stack, real k6 with its CSV output), then Debian's Chromium, headless,
// opens results/report-test/<run-id>/index.html from disk. Checked: no console error, no request but
// the file itself, every chart given data and drawn in its series' colours. Screenshots are written
// beside the run (results/report-test/, kept for a person to look at; replaced by the next run).
// The compare page: the run against a copy of itself (no difference), and against a copy with a known
// difference (route redis 1 s slower than the run's slowest second, and 20% errors): exactly those show.
import t from 'tap';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseTimeSeries, TIMESERIES_FILES } from '../contract/timeseries.js';
import type { DemoSummary } from '../demo/summary.js';
import { REPO_ROOT, findBinary } from '../stack/tools.js';
import { runTsx } from '../test/run-cli.js';
import { hasChromium, launch, openPage } from './browser.js';

const OUT = path.join(REPO_ROOT, 'results', 'report-test');
const skip = !findBinary('k6') ? 'k6 not built: run npm run tools' : !hasChromium() ? 'no /usr/bin/chromium: run bash scripts/install-browser.sh' : false;


/**
 * A copy of the run whose route redis is `shiftMs` slower in every second and has 20% more errors: in
 * its time series (compare's per-second latency test) and in its summary.json (compare's totals).
 */
function slowerCopy(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const file = path.join(to, TIMESERIES_FILES.series);
  const ts = parseTimeSeries(JSON.parse(readFileSync(file, 'utf8')));
  const all = Object.values(ts.routes).flatMap((r) => [...r.p50, ...r.p95, ...r.p99]).filter((v): v is number => v !== null);
  const shift = Math.max(...all) + 1000;
  const r = ts.routes.redis!;
  for (const p of ['p50', 'p95', 'p99', 'max'] as const) r[p] = r[p].map((v) => (v === null ? null : v + shift));
  const added = r.requests.reduce((a, n) => a + Math.ceil(n * 0.2), 0);
  r.errors = r.requests.map((n, i) => r.errors[i]! + Math.ceil(n * 0.2));
  const tot = ts.totals.redis!;
  Object.assign(tot, { errors: r.errors.reduce((a, x) => a + x, 0), p50: tot.p50! + shift, p95: tot.p95! + shift, p99: tot.p99! + shift });
  writeFileSync(file, JSON.stringify(ts));
  const summaryFile = path.join(to, 'summary.json');
  const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as DemoSummary;
  const s = summary.routes.redis;
  Object.assign(s, { errors: s.errors + added, errorRate: (s.errors + added) / s.requests, p50: s.p50! + shift, p95: s.p95! + shift, p99: s.p99! + shift });
  writeFileSync(summaryFile, JSON.stringify(summary));
}

t.test('the report of a real run, and the compare page, in headless Chromium', { skip }, async (t) => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  // 10 s: enough seconds per run for the per-second latency test to separate two runs at all. The report
  // is under test, not this shared machine's speed: no thresholds judged (--no-thresholds).
  const demo = await runTsx('demo/main.ts', ['--duration', '10s', '--rate', '40', '--pool', '500', '--out', OUT, '--no-thresholds']);
  const runs = readdirSync(OUT).filter((f) => f.startsWith('demo-'));
  t.equal(runs.length, 1, 'one run folder');
  const dir = path.join(OUT, runs[0]!);
  const index = path.join(dir, 'index.html');
  if (!t.ok(existsSync(index), 'the demo wrote index.html')) return t.comment(demo.stderr.slice(-3000));
  t.match(demo.stderr, /demo: report: .*index\.html \(\d+ sections, 6 charts\)/, 'and said so');
  t.ok(existsSync(path.join(dir, 'report.html')), "k6's own report.html stays beside it");
  t.ok(existsSync(path.join(dir, TIMESERIES_FILES.series)), 'timeseries.json written');
  t.ok(existsSync(path.join(dir, TIMESERIES_FILES.routeSamples)), 'route samples kept');
  t.notOk(existsSync(path.join(dir, TIMESERIES_FILES.k6Samples)), "k6's full CSV removed");

  const browser = await launch();
  t.teardown(() => browser.close());
  const seen = await openPage(browser, index);
  t.same(seen.consoleErrors, [], 'no console errors');
  t.same(seen.requests, [`file://${index}`], 'no request but the file itself');
  const ids = ['chart-latency-p99', 'chart-latency-p95', 'chart-latency-p50', 'chart-throughput', 'chart-errors', 'chart-split'];
  t.same(seen.charts.map((c) => c.id), ids, 'every chart of a run without faults, replicas, cost or capacity');
  for (const c of seen.charts) {
    t.ok(c.points > 0, `${c.id}: given ${c.points} points`);
    t.ok(c.seriesPixels > 50, `${c.id}: ${c.seriesPixels} pixels drawn in its series' colours`);
  }
  const summary = JSON.parse(readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { verdict: string; reasons: string[] };
  t.equal((await seen.page.textContent('.verdict'))?.trim(), summary.verdict, 'the verdict at the top is the run\'s');
  t.equal(await seen.page.locator('.reasons li').count(), Math.max(1, summary.reasons.length), 'with every reason');
  for (const id of ['verdict', 'latency', 'prometheus', 'throughput', 'split', 'reconciliation', 'files']) t.equal(await seen.page.locator(`section#${id}`).count(), 1, `section ${id}`);
  t.equal(await seen.page.locator('section#faults').count(), 0, 'no faults section without faults.json');
  await seen.page.screenshot({ path: path.join(OUT, 'index.png'), fullPage: true });

  // Compare: the run against an exact copy, and against a copy with a known difference on redis.
  const same = `${dir}-copy`;
  const slow = `${dir}-slow-redis`;
  cpSync(dir, same, { recursive: true });
  slowerCopy(dir, slow);
  for (const [name, other, expected] of [
    ['identical', same, []],
    ['redis slower, more errors', slow, ['redis error rate', 'redis p50 ms', 'redis p95 ms', 'redis p99 ms']],
  ] as const) {
    const page = path.join(OUT, `compare-${name.split(' ')[0]}.html`);
    const res = await runTsx('compare/main.ts', [dir, other, '--out', page, '--json']);
    t.equal(res.code, 0, `${name}: compare exits 0${res.code ? `\n${res.stderr}` : ''}`);
    const c = JSON.parse(res.stdout) as { rows: { route: string; figure: string; significant: boolean }[] };
    t.same(c.rows.filter((r) => r.significant).map((r) => `${r.route} ${r.figure}`), expected, `${name}: the differences beyond noise`);
    const cs = await openPage(browser, page);
    t.same(cs.consoleErrors, [], `${name}: no console errors`);
    t.same(cs.requests, [`file://${page}`], `${name}: no request but the file`);
    t.equal(await cs.page.locator('td.sig').count(), expected.length, `${name}: the page highlights exactly those`);
    t.match(await cs.page.textContent('.differences'), `${expected.length} difference(s) beyond noise`);
    t.ok(cs.charts.length > 0 && cs.charts.every((ch) => ch.points > 0 && ch.seriesPixels > 50), `${name}: every chart drawn (${cs.charts.map((ch) => ch.seriesPixels).join(', ')} pixels)`);
    await cs.page.screenshot({ path: page.replace(/\.html$/, '.png'), fullPage: true });
  }
  t.comment(`screenshots: ${OUT}/index.png, compare-identical.png, compare-redis.png`);
});
