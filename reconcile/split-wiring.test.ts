// The split is tested on what the client saw. The real ingress (Envoy, the pinned build) in front of
// two stand-in services that answer with their own X-Route, wired right and wired swapped, at 90/10:
// the client's counts catch the swap; Envoy's own counts of what it sent to each cluster cannot.
import t, { type Test } from 'tap';
import { postCourse, startTestEnvoy, stubBackend } from '../envoy/testing.js';
import { splitTest } from './split-test.js';

async function run(t: Test, grpcUrl: string, redisUrl: string) {
  const envoy = await startTestEnvoy({ grpc: 90, redis: 10 }, { grpc: [grpcUrl], redis: [redisUrl] });
  t.teardown(() => envoy.stop());
  const client = { grpc: 0, redis: 0 };
  for (let i = 0; i < 400; i++) client[(await postCourse(envoy.ingress.url)).route as 'grpc' | 'redis']++;
  return { client: splitTest(client, { grpc: 90, redis: 10 }), ingress: splitTest(await envoy.ingress.routed(), { grpc: 90, redis: 10 }) };
}

t.test("swapped wiring at 90/10: the client's counts fail the split; the ingress's own would pass", async (t) => {
  const [grpc, redis] = await Promise.all([stubBackend('grpc'), stubBackend('redis')]);
  t.teardown(() => Promise.all([grpc.close(), redis.close()]));
  const right = await run(t, grpc.url, redis.url);
  t.equal(right.client.pass, true, `wired right: the client sees 90/10 (grpc ${right.client.observed.grpc.count} of ${right.client.n})`);
  const swapped = await run(t, redis.url, grpc.url);
  t.equal(swapped.client.pass, false, `wired swapped: the client sees grpc ${swapped.client.observed.grpc.count} of ${swapped.client.n}, p ${swapped.client.pValue}`);
  t.equal(swapped.ingress.pass, true, "while Envoy, counting what it sent to each cluster, still reports 90/10");
});
