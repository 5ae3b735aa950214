// The attribution on a real run: a short demo at a rate the stack sustains, beside two CPU burners
// outside the stack (`node -e 'for(;;){}'`, one per core here). Their CPU is "other" work: whatever
// the latency, the verdict may be INCONCLUSIVE or PASS, never FAIL.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { findBinary } from '../stack/tools.js';
import { runTsx } from '../test/run-cli.js';
import type { DemoSummary } from './summary.js';

const k6 = findBinary('k6');
t.test('a sustainable rate beside two CPU burners: INCONCLUSIVE or PASS, never FAIL; the burners are "other"', { skip: k6 ? false : 'k6 not built: run npm run tools' }, async (t) => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'splitbench-burners-'));
  const burners = [0, 1].map(() => spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
  t.teardown(() => {
    for (const b of burners) b.kill('SIGKILL');
    rmSync(out, { recursive: true, force: true });
  });
  const { code, output } = await runTsx('demo/main.ts', ['--duration', '8s', '--rate', '40', '--pool', '500', '--warmup', '50', '--out', out]);
  const [run] = readdirSync(out);
  const s = JSON.parse(readFileSync(path.join(out, run!, 'summary.json'), 'utf8')) as DemoSummary;
  t.not(s.verdict, 'FAIL', `verdict ${s.verdict}: ${s.reasons.join(' | ')}`);
  t.ok(code === 0 || code === 3, `exit ${code} (0 PASS, 3 INCONCLUSIVE)`);
  if (code !== 0 && code !== 3) t.comment(output.slice(-4000));
  const other = s.machine?.attribution.find((p) => p.part === 'other');
  t.ok(other !== undefined && other.cores >= 0.5, `the burners are other work: ${other?.cores} cores`);
  t.ok(s.machine?.signals.includes('other-work'), 'and the system could not get the CPU it needed');
  for (const part of ['k6', 'mongo', 'redis', 'ingress', 'grpc-server-1', 'grpc-client-1', 'redis-writer-1']) {
    t.ok(s.machine?.attribution.some((p) => p.part === part && p.cores > 0), `${part} metered`);
  }
  if (s.verdict === 'INCONCLUSIVE') t.match(s.findings[0], { kind: 'machine-contended' });
  t.match(output, /CPU over the run .*\n[^]*\nother +\d/);
});
