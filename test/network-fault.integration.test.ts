// A network fault in a short demo run, on the real parts: redis-writer's link to the MongoDB-wire server
// goes through Toxiproxy (the real toxiproxy-server, built by `npm run tools`) and is partitioned for 3 s:
// no packets either way, connections hang, as in a split network. Whatever the partition held: nothing
// acknowledged is lost or counted twice, route B's stores agree, and route B answers 2xx again after it.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { DemoSummary } from '../demo/summary.js';
import { runTsx } from './run-cli.js';

const PLAN = `faults:
  - { at: 4s, target: redis-writer->mongo, action: partition, duration: 3s }
`;

t.test('a partition of redis-writer->mongo: 0 lost, 0 duplicated, the stores agree, route B back', async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-netfault-'));
  t.teardown(() => rmSync(out, { recursive: true, force: true }));
  const plan = path.join(out, 'plan.yaml');
  writeFileSync(plan, PLAN);
  const args = ['--faults', plan, '--duration', '20s', '--rate', '30', '--pool', '300', '--warmup', '50', '--out', path.join(out, 'results')];
  const { code, output } = await runTsx('demo/main.ts', args);
  if (code !== 0) t.comment(output.slice(-5000));
  t.match(output, /partition redis-writer->mongo/, 'the fault is announced when it strikes');

  const [runDir] = readdirSync(path.join(out, 'results'));
  const s = JSON.parse(readFileSync(path.join(out, 'results', runDir!, 'summary.json'), 'utf8')) as DemoSummary;
  t.same(s.reconciliation, { lost: 0, duplicated: 0, unacknowledged: s.reconciliation?.unacknowledged }, 'nothing acknowledged lost or counted twice');
  t.notOk(s.findings.some((f) => f.kind === 'stores-disagree' || f.kind === 'lost-not-counted'), "route B's stores agree");
  t.equal(s.settle?.pending, 0, 'no record left waiting for Redis after the settle time');
  const [fault] = s.faults?.faults ?? [];
  t.match(fault, { target: 'redis-writer->mongo', action: 'partition', process: 'redis-writer->mongo' }, 'the timeline holds the partition');
  t.ok(fault && fault.endedAt !== null && fault.endedAt - fault.startedAt >= 3000, 'healed after its 3 s');
  t.ok(fault?.recoveryMs.redis !== null && fault?.recoveryMs.redis !== undefined, `route B answered 2xx again after the partition (${JSON.stringify(fault?.recoveryMs)})`);
  t.notOk(fault?.error, 'carried out');
  t.ok(s.routes.redis.retries > 0, `k6 retried what the partition held (redis ${s.routes.redis.retries})`);
  const log = readFileSync(path.join(out, 'results', runDir!, 'stack', 'logs', 'toxiproxy.log'), 'utf8');
  t.type(log, 'string', 'Toxiproxy ran as a process of the stack, with its log beside the others');
});
