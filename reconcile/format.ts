/**
 * The reconciliation as text for a person: one sentence per finding and a table per report. The only
 * place its prose is made; everything upstream is data (findings.ts, run.ts).
 */
import { ROUTES } from '../contract/routes.js';
import { REDIS_KEYS } from '../contract/stores.js';
import { pct, plural, pValue, table } from '../format/table.js';
import type { Finding, IdList } from './findings.js';
import type { ReconcileReport } from './run.js';
import type { SplitTestResult } from './split-test.js';

const show = (list: IdList): string => (list.count === 0 ? '' : `: ${list.ids.join(', ')}${list.count > list.ids.length ? `, ... (${list.count - list.ids.length} more)` : ''}`);
const isAre = (n: number): string => (n === 1 ? 'is' : 'are');

/** The split test as one sentence. */
export function describeSplit(s: SplitTestResult & { source?: string }): string {
  const from = s.source ? `; counts from ${s.source}` : '';
  if (s.method === 'none') return `split: no requests were counted on either route (n = 0), so the split cannot be tested${from}`;
  const shares = `observed grpc ${pct(s.observed.grpc.share)} (${s.observed.grpc.count}) / redis ${pct(s.observed.redis.share)} (${s.observed.redis.count}) of ${s.n}, expected ${pct(s.expected.grpc)} / ${pct(s.expected.redis)}`;
  if (s.method === 'degenerate') {
    const zero = s.expected.grpc === 0 ? 'grpc' : 'redis';
    return s.pass
      ? `split: within the weights: ${shares} (route ${zero} has weight 0 and got no request)${from}`
      : `split: OUTSIDE the weights: route ${zero} has weight 0 but got ${s.observed[zero].count} of ${s.n} requests (${shares})${from}`;
  }
  const verdict = s.pass ? `within the weights: ${shares}; p = ${pValue(s.pValue)} > alpha = ${s.alpha}` : `OUTSIDE the weights: ${shares}; p = ${pValue(s.pValue)} <= alpha = ${s.alpha}`;
  return `split: ${verdict} (exact two-sided binomial test)${from}`;
}

export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case 'lost-not-stored': {
      const by = f.by === 'unrouted' ? 'answers without a usable X-Route' : `route ${f.by}`;
      return `LOST: ${plural(f.ids.count, 'write')} acknowledged by ${by} ${isAre(f.ids.count)} not in MongoDB${show(f.ids)}`;
    }
    case 'lost-not-counted':
      return `LOST: ${plural(f.ids.count, 'write')} acknowledged by route redis ${isAre(f.ids.count)} stored but never counted in Redis (no seen marker)${show(f.ids)}`;
    case 'lost-lower-bound': {
      const redis = f.countedInRedis === null ? '' : ` and Redis counted ${f.countedInRedis}`;
      return `LOST: route ${f.route} acknowledged ${f.acknowledged} writes; MongoDB holds ${f.stored} records of that route${redis}: at least ${plural(f.lost, 'lost write')}`;
    }
    case 'ack-log-missing':
      return 'ACK LOG: off, and no summary.json counts to compare: nothing acknowledged can be checked';
    case 'ack-log-mismatch':
      return (
        `ACK LOG: summary.json says route ${f.route} acknowledged ${f.expected} writes but the log has ${plural(f.lines, 'ack line')}: ` +
        (f.lines < f.expected ? 'the log was cut, so those writes cannot be checked' : 'the log holds more than this run acknowledged (mixed logs?)')
      );
    case 'counted-twice':
      return `DUPLICATED: Redis counts ${f.counted} records for run ${f.runId} (${REDIS_KEYS.runs}) but only ${plural(f.markers, 'route-B record')} carry a seen marker: ${plural(f.excess, 'count')} too many`;
    case 'acked-on-two-routes':
      return `DUPLICATED: ${plural(f.ids.count, 'id')} acknowledged by both routes${show(f.ids)}`;
    case 'route-mismatch': {
      const items = f.items.map((m) => `${m.id} (acked by ${m.acknowledgedBy}, stored as ${m.storedAs})`).join(', ');
      const more = f.count > f.items.length ? `, ... (${f.count - f.items.length} more)` : '';
      return `DUPLICATED: ${plural(f.count, 'acknowledgement')} came from a different route than the one that stored the record: ${items}${more}`;
    }
    case 'replayed-by-other-route': {
      const items = f.items.map((m) => `${m.id} (replayed by ${m.acknowledgedBy}, stored as ${m.storedAs})`).join(', ');
      return `RETRIED ELSEWHERE (not a failure): ${plural(f.count, 'request')} stored by one route, then acknowledged as a replay by the other after a retry: ${items}${f.count > f.items.length ? ', ...' : ''}`;
    }
    case 'stores-disagree':
      return `NOT CONVERGED: ${plural(f.ids.count, 'route-B record')} of the run ${isAre(f.ids.count)} in MongoDB but never counted in Redis${show(f.ids)}`;
    case 'counts-only':
      return 'ack log was off (ACK_LOG=0): compared counts only; lost writes are a lower bound and ids are unknown';
    case 'unacknowledged': {
      const by = Object.entries(f.byRoute).map(([r, n]) => `${r} ${n}`).join(', ');
      return `UNACKNOWLEDGED (not a failure): ${plural(f.ids.count, 'record')} stored for the run ${f.ids.count === 1 ? 'was' : 'were'} never acknowledged (${by}); expected after 503/504 answers whose write had landed${show(f.ids)}`;
    }
    case 'stored-under-other-run':
      return `ANOMALY: ${plural(f.count, 'acknowledged id')} stored under another run id (durable, not lost): ${f.items.map((e) => `${e.id} (run ${e.runId})`).join(', ')}`;
    case 'unknown-route-stored':
      return `ANOMALY: ${plural(f.ids.count, 'record')} of the run stored with a route other than ${ROUTES.join(' or ')}${show(f.ids)}`;
    case 'run-count-shortfall':
      return `ANOMALY: Redis counts ${f.counted} records for run ${f.runId} but ${plural(f.markers, 'route-B record')} carry a seen marker: the runs hash was reset or edited`;
    case 'malformed-ack-lines':
      return `ANOMALY: ${plural(f.count, 'malformed ack line')} ignored (${f.lines.map((l) => `line ${l}`).join(', ')}${f.count > f.lines.length ? ', ...' : ''})`;
    case 'repeated-acks':
      return `ANOMALY: ${plural(f.count, 'ack line')} repeated an id already acknowledged on the same route`;
    case 'unrouted-acks':
      return `ANOMALY: ${plural(f.count, 'acknowledged write')} came back without a usable X-Route header`;
    case 'no-ack-lines':
      return `no ack lines for run ${f.runId} in the log${f.otherRunIds.length > 0 ? `; the log has lines of other runs: ${f.otherRunIds.join(', ')}` : ''}`;
    case 'ack-log-unchecked':
      return 'no summary.json counts given: the ack log could not be checked for completeness';
    case 'k6-setup-failed':
      return 'K6: setup() failed (the target was not ready), so no load was sent';
    case 'split':
      return describeSplit(f.test);
  }
}

export function formatReport(report: ReconcileReport): string {
  const rows = ROUTES.map((route) => ({ route, ...report.routes[route] }));
  const rc = report.reconciliation;
  const lines = [
    `reconcile run ${report.runId}: ${report.verdict}`,
    '',
    table(
      [
        { header: 'route', cell: (r) => r.route },
        { header: 'acked', cell: (r) => r.acknowledged },
        { header: 'stored', cell: (r) => r.stored },
        { header: 'redis', cell: (r) => r.countedInRedis },
        { header: 'lost', cell: (r) => r.lost },
        { header: 'unacked', cell: (r) => r.unacknowledged },
      ],
      rows,
    ),
    '',
    `  lost ${rc.lost.count}${rc.countsOnly ? ' (lower bound, counts only)' : ''}   duplicated ${rc.duplicated.count}   unacknowledged ${rc.unacknowledged.count}`,
  ];
  if (report.findings.length > 0) {
    lines.push('', '  findings:');
    for (const f of report.findings) lines.push(`  - ${f.severity === 'fail' ? 'FAIL ' : ''}${describeFinding(f)}`);
  }
  return lines.join('\n');
}
