// The run report's sweep section on a sweep.json written as `npm run sweep` writes it (sweepReport over
// runSweep) of the fake system with known capacities (fake-system.ts), then the page in headless
// Chromium (Debian's, real): both sweep charts given data and drawn in their series' colours, no console
// error, no request but the file. A sweep.json of another schema is named on the page, not a crash.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { searchOptions } from '../capacity/search.js';
import { hasChromium, launch, openPage } from '../report/browser.js';
import { buildReport, writeReport } from '../report/build.js';
import { ownPodsCapacity } from './answer.js';
import { parseSweep, SWEEP_FILE, sweepReport } from './document.js';
import { fakeSweepSystem } from './fake-system.js';
import { runSweep } from './sweep.js';

async function sweepFolder(t: Test): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sweep-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const options = searchOptions({ precision: 0.05 });
  // Own pods per route, C_A 300, C_B 100, a repeat 5% lower: a known best (75) and a range at every weight.
  const result = await runSweep(fakeSweepSystem((w, r) => Math.floor(ownPodsCapacity(w / 100, 300, 100) * (r === 0 ? 1 : 0.95))), { weights: [0, 25, 50, 75, 90, 100], repeats: 2, search: options, fixedRateRps: 80, fixedRateDurationS: 10 });
  writeFileSync(path.join(dir, SWEEP_FILE), JSON.stringify(sweepReport(result, { source: 'local', startedAt: new Date(0), options, fixedRateRps: 80, repeats: 2 })));
  return dir;
}

t.test('the sweep section: the file read back, the answer and the table on the page, two charts', async (t) => {
  const dir = await sweepFolder(t);
  const view = parseSweep(JSON.parse(readFileSync(path.join(dir, SWEEP_FILE), 'utf8')), SWEEP_FILE);
  t.equal(view.answer.best?.weightA, 75);
  t.equal(view.answer.certainty.repeats, 2);
  const built = buildReport(dir);
  t.same(built.problems, []);
  t.ok(built.sections.includes('sweep'), `sections: ${built.sections.join(', ')}`);
  t.same(built.charts.map((c) => c.id), ['chart-sweep-capacity', 'chart-sweep-p99']);
  t.match(built.html, /Best weight: A\/B 75\/25/);
  t.same(built.charts[0]!.series.map((s) => s.label), ['measured capacity', 'measured capacity max', 'measured capacity min', 'measured capacity measured', 'model: shared cores', 'model: own pods']);
  t.same(built.charts[0]!.series.filter((s) => !s.quiet).map((s) => s.label), ['measured capacity', 'model: shared cores', 'model: own pods'], 'the legend: the median line and the two models');
  t.equal(built.charts[0]!.yRange?.[0], 0, 'capacity read from 0');
  t.same(built.charts[1]!.series.filter((s) => !s.quiet).map((s) => s.label), ['grpc p99', 'redis p99']);
});

t.test('a sweep.json of another schema is a problem named on the page', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-sweep-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, SWEEP_FILE), JSON.stringify({ schema: 'splitbench.sweep/0', points: [] }));
  const built = buildReport(dir);
  t.notOk(built.sections.includes('sweep'));
  t.match(built.problems, [{ file: SWEEP_FILE, message: /schema must be "splitbench\.sweep\/1"/ }]);
});

t.test('the sweep page in headless Chromium', { skip: hasChromium() ? false : 'no /usr/bin/chromium: run bash scripts/install-browser.sh' }, async (t) => {
  const dir = await sweepFolder(t);
  const { file } = writeReport(dir);
  const browser = await launch();
  t.teardown(() => browser.close());
  const seen = await openPage(browser, file);
  t.same(seen.consoleErrors, [], 'no console errors');
  t.same(seen.requests, [`file://${file}`], 'no request but the file itself');
  t.same(seen.charts.map((c) => c.id), ['chart-sweep-capacity', 'chart-sweep-p99']);
  for (const c of seen.charts) {
    t.ok(c.points > 0, `${c.id}: given ${c.points} points`);
    t.ok(c.seriesPixels > 50, `${c.id}: ${c.seriesPixels} pixels drawn in its series' colours`);
  }
  t.equal(await seen.page.locator('section#sweep table:not(.u-legend) > tbody > tr').count(), 6, 'a row per weight');
});
