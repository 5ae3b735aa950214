/** The demo's result as text: the table and verdict a person reads at the end of `npm run demo`. */
import { ms, pct, table } from '../format/table.js';
import { describeFinding, describeSplit } from '../reconcile/format.js';
import type { DemoSummary } from './summary.js';
import type { DemoFinding } from './verdict.js';

const K6_EXIT_MEANING: Record<number, string> = {
  99: 'thresholds crossed',
  107: 'bad settings (see k6.log)',
  108: 'the target was not ready in setup()',
};
const exitText = (code: number): string => `exit ${code}${K6_EXIT_MEANING[code] ? `: ${K6_EXIT_MEANING[code]}` : ''}`;

export function describeDemoFinding(f: DemoFinding): string {
  switch (f.kind) {
    case 'crashed':
      return `a process crashed: ${f.detail}`;
    case 'k6-no-summary':
      return `k6 wrote no summary (${exitText(f.exitCode)})`;
    case 'k6-exit':
      return `k6 exited ${f.exitCode}${K6_EXIT_MEANING[f.exitCode] ? ` (${K6_EXIT_MEANING[f.exitCode]})` : ''}`;
    case 'threshold-failed':
      return `threshold failed: ${f.threshold}`;
    case 'no-requests':
      return 'k6 sent no requests';
    case 'dropped-iterations':
      return `note: k6 dropped ${f.count} iterations (not enough VUs for the rate; the offered load was lower than asked)`;
    case 'interrupted':
      return 'note: interrupted (Ctrl-C/SIGTERM): the run is shorter than asked';
    case 'check-error':
      return `${f.what} failed: ${f.message}`;
    default:
      return describeFinding(f);
  }
}

export function formatSummary(s: DemoSummary): string {
  const rows = Object.entries(s.routes).map(([name, r]) => ({ name, ...r }));
  const lines = [
    `splitbench demo ${s.runId}`,
    '',
    table(
      [
        { header: 'route', cell: (r) => r.name },
        { header: 'requests', cell: (r) => r.requests },
        { header: 'acked', cell: (r) => r.acknowledged },
        { header: 'stored', cell: (r) => r.stored },
        { header: 'req/s', cell: (r) => r.rps.toFixed(1) },
        { header: 'p50 ms', cell: (r) => ms(r.p50) },
        { header: 'p95 ms', cell: (r) => ms(r.p95) },
        { header: 'p99 ms', cell: (r) => ms(r.p99) },
        { header: 'errors', cell: (r) => pct(r.errorRate) },
      ],
      rows,
      '',
    ),
    '',
  ];
  if (s.split) lines.push(`split        ${describeSplit(s.split)}`);
  if (s.reconciliation) lines.push(`reconciled   lost ${s.reconciliation.lost}, duplicated ${s.reconciliation.duplicated}, stored but unacknowledged ${s.reconciliation.unacknowledged}`);
  if (s.k6) lines.push(`k6           ${s.k6.requests} requests, ${s.k6.rps.toFixed(1)} req/s, dropped iterations ${s.k6.droppedIterations}, exit ${s.k6.exitCode}`);
  lines.push('', `verdict      ${s.verdict}`);
  for (const r of s.reasons) lines.push(`  - ${r}`);
  lines.push('');
  for (const [what, file] of Object.entries(s.files)) lines.push(`${what.padEnd(12)} ${file}`);
  return lines.join('\n');
}
