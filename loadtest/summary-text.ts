/** The k6 run's summary as a short table for a person (k6 prints its own only without handleSummary). */
import type { K6Summary } from '../contract/k6-summary.ts';
import { pct, routeTable } from '../format/table.ts';

export function textSummary(s: K6Summary, what: string): string {
  const secs = (s.durationMs / 1000).toFixed(1);
  const rows = Object.entries(s.routes).map(([name, r]) => ({ name, ...r }));
  const lines = [
    '',
    `splitbench k6 run ${s.runId ?? '(no run id: setup did not finish)'}: ${s.scenario} (${what}) against ${s.baseUrl}`,
    `  ${s.requests} requests in ${secs} s (${s.rps}/s), ${s.acknowledged} acknowledged (${s.replayed} replays), ` +
      `errors ${pct(s.errorRate)}, dropped iterations ${s.droppedIterations}, unrouted ${s.unrouted}`,
    '',
    routeTable(rows),
  ];
  if (!s.setupCompleted) lines.push('', '  no load was sent: setup() did not finish (its error is above)');
  if (s.thresholds === null) lines.push('', '  thresholds: none (THRESHOLDS=off): k6 judged nothing; the caller judges the figures above');
  else {
    lines.push('', `  thresholds: ${s.thresholds.passed ? 'all passed' : `${s.thresholds.failed.length} FAILED`}`);
    for (const t of s.thresholds.all) lines.push(`    ${t.ok ? 'ok  ' : 'FAIL'} ${t.metric} ${t.threshold}`);
  }
  if (s.failedChecks) lines.push(`  FAILED checks: ${s.failedChecks} acknowledged answers did not name their Idempotency-Key as id`);
  if (s.droppedIterations > 0) {
    lines.push(`  note: ${s.droppedIterations} iterations were never started: MAX_VUS (${s.settings.maxVUs}) VUs, or the ${s.settings.preAllocatedVUs} ready at the start while k6 allocated more, were all busy`);
  }
  return lines.join('\n') + '\n';
}
