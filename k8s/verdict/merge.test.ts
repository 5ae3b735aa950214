// Merging the runners' summaries: their thresholds, their absence, and the failed checks, on complete
// summary.json literals (reconcile/k6-summary-fixture.ts).
import t from 'tap';
import { k6SummaryFixture } from '../../reconcile/k6-summary-fixture.js';
import { mergeSummaries } from './merge.js';

const part = (over: Parameters<typeof k6SummaryFixture>[2]) => k6SummaryFixture('run-1', { grpc: { requests: 10, acknowledged: 10 } }, over);
const passed = { passed: true, failed: [], all: [{ metric: 'route_errors{route:grpc}', threshold: 'rate<=0.01', ok: true }] };
const failed = { passed: false, failed: ['route_errors{route:grpc} rate<=0.01'], all: [{ metric: 'route_errors{route:grpc}', threshold: 'rate<=0.01', ok: false }] };

t.test('a threshold failed anywhere failed; runners that judged none add nothing; none judging any is no thresholds', async (t) => {
  t.match(mergeSummaries([part({ thresholds: passed }), part({ thresholds: failed })]).thresholds, { passed: false, failed: ['route_errors{route:grpc} rate<=0.01'] });
  const mixed = mergeSummaries([part({ thresholds: passed }), part({ thresholds: null })]).thresholds;
  t.match(mixed, { passed: true, failed: [] });
  t.equal(mixed?.all.length, 1, "only the judging runner's thresholds");
  t.equal(mergeSummaries([part({ thresholds: null }), part({ thresholds: null })]).thresholds, null, 'no runner judged: no thresholds, never an empty pass');
});

t.test('failed checks add up; unknown when a runner did not count them', async (t) => {
  t.equal(mergeSummaries([part({ failedChecks: 2 }), part({ failedChecks: 3 })]).failedChecks, 5);
  t.equal(mergeSummaries([part({ failedChecks: 2 }), part({ failedChecks: null })]).failedChecks, null);
});
