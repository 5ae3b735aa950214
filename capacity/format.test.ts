/** The person-facing table and progress lines, and the machine-facing JSON, made from real search results. */
import t from 'tap';
import { fakeSystem } from './fake-system.js';
import { formatCapacityTable, formatSearchEvent } from './format.js';
import { CAPACITY_SCHEMA, capacityReport, type CapacityTarget } from './report.js';
import { findCapacity, searchOptions } from './search.js';
import type { SearchEvent } from './types.js';

async function targets(): Promise<CapacityTarget[]> {
  return [
    { name: 'grpc', replicas: 1, result: await findCapacity(fakeSystem(437).run) },
    { name: 'redis', replicas: 1, result: await findCapacity(fakeSystem(Number.POSITIVE_INFINITY).run, { maxRps: 800 }) },
    { name: 'split', replicas: 1, result: await findCapacity(fakeSystem(0).run) },
  ];
}

t.test('the table: one row per target with the figures at capacity, then a note for each unusual outcome', async (t) => {
  const text = formatCapacityTable(await targets());
  t.equal(
    text,
    [
      'target  capacity req/s  p50 ms  p95 ms  p99 ms  errors  CPU ms/req  trials',
      'grpc               436     4.0    12.0    40.0   0.00%        1.50      10',
      'redis           >= 800     4.0    12.0    40.0   0.00%        1.50       5',
      'split             none       -       -       -       -           -       7',
      'redis: met the SLO at the highest rate tried (800 req/s): capacity is at least that',
      'split: missed the SLO even at 5 req/s: p99 480.0 ms (must be under 100 ms); errors 0.40% (at most 0.10%); 5 dropped iterations (at most 0)',
    ].join('\n'),
  );
});

t.test('a capacity measured only once is marked in the table', async (t) => {
  const once = await findCapacity(fakeSystem(437).run, { maxTrials: 3 });
  const text = formatCapacityTable([{ name: 'grpc', replicas: 1, result: once }]);
  t.match(text, /grpc\s+400 \(once\)/);
  t.match(text, /grpc: stopped after 3 trials before the bracket was within the precision/);
});

t.test('several replica counts: a scaling table with each row\'s gain over the fewest replicas of its target', async (t) => {
  const text = formatCapacityTable([
    { name: 'grpc', replicas: 1, result: await findCapacity(fakeSystem(437).run) },
    { name: 'grpc', replicas: 2, result: await findCapacity(fakeSystem(800).run) },
    { name: 'grpc', replicas: 3, result: await findCapacity(fakeSystem(0).run) },
  ]);
  const rows = text.split('\n');
  t.match(rows[0], /^target\s+replicas\s+capacity req\/s\s+gain\s+p50 ms/);
  t.match(rows[1], /^grpc\s+1\s+436\s+1\.00x\s/, 'the baseline');
  const twice = Number(/^grpc\s+2\s+(\d+)\s+(\d\.\d\d)x/.exec(rows[2] ?? '')?.[1]);
  t.ok(twice > 436, `two replicas found more: ${rows[2]}`);
  t.match(rows[2], new RegExp(`${(twice / 436).toFixed(2)}x`), 'gain = capacity / capacity with one replica');
  t.match(rows[3], /^grpc\s+3\s+none\s+-\s/, 'no gain where nothing met the SLO');
  t.match(text, /grpc x3: missed the SLO even at 5 req\/s/, 'notes name the replica count');
});

t.test('progress lines say which trial, at what rate, what it measured and where the bracket is', async (t) => {
  const lines: string[] = [];
  const record = (e: SearchEvent): void => {
    const line = formatSearchEvent('grpc', e);
    if (line !== null) lines.push(line);
  };
  await findCapacity(fakeSystem(150).run, { maxRps: 400 }, record);
  t.equal(lines[0], 'grpc trial 1 (bracket) at 100 req/s: p99 40.0 ms, 0.00% errors, met the SLO; bracket 100..? req/s');
  t.equal(lines[1], 'grpc trial 2 (bracket) at 200 req/s: p99 480.0 ms, 0.40% errors, missed: p99 480.0 ms (must be under 100 ms); errors 0.40% (at most 0.10%); 200 dropped iterations (at most 0); bracket 100..200 req/s');
  t.equal(lines.at(-1), 'grpc: capacity 147 req/s (converged, 8 trials)');
});

t.test('the JSON report: schema id, SLO, search options and every trial, surviving a JSON round trip', async (t) => {
  const options = searchOptions({ maxRps: 800 });
  const report = capacityReport(await targets(), options, new Date('2026-01-02T03:04:05Z'));
  t.equal(report.schema, CAPACITY_SCHEMA);
  t.equal(report.schema, 'splitbench.capacity/1');
  t.equal(report.startedAt, '2026-01-02T03:04:05.000Z');
  t.same(report.slo, { p99BelowMs: 100, maxErrorRate: 0.001, maxDroppedIterations: 0 });
  t.notOk('slo' in report.search, 'the SLO is written once');
  t.equal(report.search.maxRps, 800);
  t.same(report.targets.map((x) => x.name), ['grpc', 'redis', 'split']);
  t.same(JSON.parse(JSON.stringify(report)), report, 'only plain data');
});
