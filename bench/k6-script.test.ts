/**
 * bench/k6-script.ts run for real (k6 and the stub on 127.0.0.1), briefly: it must measure both scripts
 * in the minimal-project-project-minimal order, count what the stub answered, see one ack line per
 * request of the project's script and none from the minimal one, and print a ratio per adjacent pair.
 * No assertion on a figure's size: the figures are the bench's to print, not the test's to judge.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { findBinary, REPO_ROOT } from '../stack/tools.js';

const k6 = findBinary('k6');

t.test('bench:k6 measures both scripts against the stub and prints their ratio', { skip: k6 === undefined ? 'k6 binary missing: run `bash scripts/install-tools.sh`' : false }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'splitbench-k6bench-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const json = path.join(dir, 'bench.json');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'bench', 'k6-script.ts'), '--rate', '100', '--duration', '3s', '--json', json], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  t.equal(r.status, 0, r.status === 0 ? 'the bench exits 0' : `the bench exits 0\n${r.stderr.slice(-2000)}`);
  const out = JSON.parse(readFileSync(json, 'utf8')) as { runs: { arm: string; requests: number; ackLines: number; steadyMs: number; exitCode: number }[]; ratios: number[] };
  t.same(
    out.runs.map((run) => run.arm),
    ['minimal', 'project', 'project', 'minimal'],
    'one round: minimal, project, project, minimal',
  );
  for (const run of out.runs) {
    t.ok(run.requests > 0, `${run.arm}: the stub answered ${run.requests} requests`);
    // The project's script judges its latency thresholds (as in the demo): on a busy machine k6 may exit 99.
    if (run.arm === 'minimal') t.equal(run.exitCode, 0, 'minimal: k6 exits 0');
    else t.ok(run.exitCode === 0 || run.exitCode === 99, `project: k6 ran to the end (exit ${run.exitCode}: 0, or 99 for a latency threshold)`);
    t.equal(run.ackLines, run.arm === 'project' ? run.requests : 0, `${run.arm}: ${run.arm === 'project' ? 'one ack line per answered request' : 'no ack lines'}`);
    t.ok(Number.isFinite(run.steadyMs) && run.steadyMs >= 0, `${run.arm}: a CPU figure per request from /proc (${run.steadyMs} ms)`);
  }
  t.equal(out.ratios.length, 2, 'a ratio per adjacent pair');
  t.match(r.stdout, /minimal \/ project \(steady, per adjacent pair\): [\d.]+ \([\d.]+\.\.[\d.]+\)/, 'the ratio with its spread on stdout');
});
