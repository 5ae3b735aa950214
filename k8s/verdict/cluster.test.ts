// What the cluster verdict makes of the API server's answers: restarts as crashes, runners' exit codes,
// the route's weights and their change, the cluster as the environment.
import t from 'tap';
import { parseSplit, routeFractions } from '../../linkerd/split.js';
import { clusterEnvironment, combinedExit, describeRestart, restartsDuring, routeChange, runnerExits, runnersWithoutLog } from './cluster.js';
import { clusterState, pod, route, runner } from './fixtures.js';
import type { K6Summary } from '../../contract/k6-summary.js';

const summary = (passed: boolean | null): K6Summary => ({ thresholds: passed === null ? null : { passed, failed: passed ? [] : ['x'], all: [] } }) as unknown as K6Summary;

t.test('the applied route, as the API server returns it, is the split to test', async (t) => {
  t.same(routeFractions(parseSplit(JSON.stringify(route(90, 10)), 'api')), { grpc: 0.9, redis: 0.1 });
  t.equal(routeChange(route(50, 50, '1'), route(50, 50, '7')), undefined, 'a new resourceVersion with the same weights is no change');
  t.match(routeChange(route(50, 50), route(90, 10)), /grpc-client=50 redis-writer=50 at the start, grpc-client=90 redis-writer=10 at the verdict/);
});

t.test('restarts of the system during the run are crashes; before the run, or of other pods, are not', async (t) => {
  const s = clusterState({ restartsAfter: { 'grpc-client': 2 } });
  const r = restartsDuring(s.podsBefore, s.podsAfter);
  t.same(r, [{ pod: 'grpc-client-0', container: 'grpc-client', restarts: 2, last: 'OOMKilled, exit 137' }]);
  t.equal(describeRestart(r[0]!), 'pod grpc-client-0, container grpc-client: restarted 2 times during the run (last: OOMKilled, exit 137)');
  t.same(restartsDuring({ items: [pod('redis-0', 'redis', 3)] }, { items: [pod('redis-0', 'redis', 3)] }), [], 'restarts from before the run do not count');
  t.same(restartsDuring({ items: [] }, { items: [pod('grpc-server-new', 'grpc-server', 1)] }).map((x) => x.restarts), [1], 'a pod new since the start counts all its restarts');
  t.same(restartsDuring({ items: [] }, { items: [pod('grafana-0', 'grafana', 4), pod('k6-x', 'k6', 1)] }), [], 'only the services and the stores');
  const sidecar = pod('redis-writer-0', 'redis-writer', 0, { initContainerStatuses: [{ name: 'linkerd-proxy', restartCount: 1 }] });
  t.same(restartsDuring({ items: [pod('redis-writer-0', 'redis-writer', 0)] }, { items: [sidecar] }).map((x) => x.container), ['linkerd-proxy'], 'a native sidecar restart counts');
});

t.test("each runner's exit code from its pod; from its summary only when the pod cannot say", async (t) => {
  const exits = runnerExits({ items: [runner('a', 0), runner('b', 107), runner('c', undefined)] }, [
    { pod: 'a', summary: summary(true) },
    { pod: 'b', summary: summary(true) },
    { pod: 'c', summary: summary(false) },
    { pod: 'd', summary: summary(true) },
    { pod: 'e', summary: summary(null) },
  ]);
  t.same(exits.map((e) => [e.pod, e.exitCode, e.from]), [['a', 0, 'pod'], ['b', 107, 'pod'], ['c', 99, 'summary'], ['d', 0, 'summary'], ['e', 0, 'summary']], 'a runner that judged no thresholds crossed none');
  t.equal(combinedExit(exits), 107, "a runner's own failure comes before 'thresholds crossed'");
  t.equal(combinedExit([exits[0]!, exits[2]!]), 99);
  t.equal(combinedExit([exits[0]!]), 0);
  t.same(runnersWithoutLog({ items: [runner('a', 0), runner('z', 0)] }, ['a']), ['z']);
});

t.test("the environment is the cluster's", async (t) => {
  const env = clusterEnvironment(clusterState({ weights: [90, 10], runners: { r: 0 } }), 'splitbench', 'abc');
  t.equal(env.server, 'v1.36.3');
  t.same(env.nodes.map((n) => [n.name, n.cpu, n.instanceType]), [['node-a', '4', 'm7i.xlarge']]);
  t.same(env.images['deployment/grpc-client'], ['splitbench/grpc-client:0.1.0']);
  t.same(env.runnerImages, ['grafana/k6:2.2.0']);
  t.equal(env.route.weights, 'grpc-client=90 redis-writer=10');
  t.notOk('cpus' in env || 'k6' in env || 'redis' in env, "nothing of the workstation's machine");
});
