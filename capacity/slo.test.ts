import t from 'tap';
import { healthyTrial } from './fake-system.js';
import { meetsSlo } from './slo.js';
import { DEFAULT_SLO, type TrialResult } from './types.js';

const ok: TrialResult = healthyTrial(200);

t.test('a trial within every limit meets the SLO with no reasons', async (t) => {
  t.same(meetsSlo(ok, DEFAULT_SLO), { pass: true, violations: [] });
});

t.test('each limit gives its own typed reason with the measured value and the limit', async (t) => {
  t.same(meetsSlo({ ...ok, p99Ms: 100 }, DEFAULT_SLO).violations, [{ kind: 'p99', actualMs: 100, limitMs: 100 }], 'p99 must be strictly under the limit');
  t.same(meetsSlo({ ...ok, errorRate: 0.0011 }, DEFAULT_SLO).violations, [{ kind: 'errorRate', actual: 0.0011, limit: 0.001 }]);
  t.same(meetsSlo({ ...ok, droppedIterations: 1 }, DEFAULT_SLO).violations, [{ kind: 'droppedIterations', actual: 1, limit: 0 }]);
  const all = meetsSlo({ ...ok, p99Ms: 300, errorRate: 0.5, droppedIterations: 7 }, DEFAULT_SLO);
  t.equal(all.pass, false);
  t.same(all.violations.map((v) => v.kind), ['p99', 'errorRate', 'droppedIterations'], 'every reason is listed, not just the first');
});

t.test('the limits are inclusive where the issue says "at most"', async (t) => {
  t.ok(meetsSlo({ ...ok, errorRate: 0.001 }, DEFAULT_SLO).pass, 'exactly 0.1% errors is allowed');
  t.ok(meetsSlo({ ...ok, p99Ms: 99.9 }, DEFAULT_SLO).pass);
  t.ok(meetsSlo({ ...ok, droppedIterations: 3 }, { ...DEFAULT_SLO, maxDroppedIterations: 3 }).pass);
});

t.test('a figure that was not measured is never read as a pass', async (t) => {
  t.same(meetsSlo({ ...ok, p99Ms: Number.NaN }, DEFAULT_SLO).violations, [{ kind: 'notMeasured', field: 'p99Ms' }]);
  t.same(meetsSlo({ ...ok, errorRate: -1 }, DEFAULT_SLO).violations, [{ kind: 'notMeasured', field: 'errorRate' }]);
  t.same(meetsSlo({ ...ok, droppedIterations: Number.POSITIVE_INFINITY }, DEFAULT_SLO).violations, [{ kind: 'notMeasured', field: 'droppedIterations' }]);
  t.same(meetsSlo({ ...ok, requests: 0 }, DEFAULT_SLO).violations, [{ kind: 'noRequests' }], 'zero requests cannot pass vacuously');
});
