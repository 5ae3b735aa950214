// The cost curve on synthetic samples of a known shape: CPU per second rising sublinearly with the rate
// (as measured here: each request costs less as the rate rises), with and without noise.
import t from 'tap';
import { fitOf, knots, rateAtCpu, readCurve, uncertaintyAt, type CurvePoint } from './curve.js';
import { buildCurves, checkPrediction, predict, type CostWindow } from './curves.js';

/** 40 ms/s at rest, then 6 * rps^0.8: 100 req/s -> ~420 ms/s, 800 req/s -> ~1,530 ms/s. */
const shape = (rps: number): number => 40 + 6 * rps ** 0.8;
const at = (rps: number, noise = 0): CurvePoint => ({ rps, cpuMsPerS: shape(rps) * (1 + noise), source: rps === 0 ? 'idle' : 'trial', windowS: 15 });

t.test('a curve reads between its points, says when it extrapolates, and states how far to trust it', async (t) => {
  const points = [0, 100, 200, 400, 600, 800].map((r) => at(r));
  const mid = readCurve(points, 300);
  t.notOk(mid.extrapolated);
  const err = Math.abs(mid.cpuMsPerS - shape(300)) / shape(300);
  const fit = fitOf(points);
  t.equal(fit.rates, 6);
  t.ok(fit.looMaxRelError !== null && fit.looMaxRelError > 0, `leave-one-out miss ${fit.looMaxRelError}`);
  t.ok(err <= fit.uncertainty!, `reading at 300 off by ${(err * 100).toFixed(2)}%, within the stated ${(fit.uncertainty! * 100).toFixed(2)}%`);
  t.same(readCurve(points, 0), { cpuMsPerS: shape(0), extrapolated: false }, 'the idle point is the rate-0 reading');
  const beyond = readCurve(points, 1000);
  t.ok(beyond.extrapolated, 'above the highest measured rate: extrapolated');
  t.ok(beyond.cpuMsPerS > shape(800), 'by extending the last segment');
  t.ok(readCurve([at(100), at(200)], 50).extrapolated, 'below the lowest measured rate too');
});

t.test('with noise, the stated uncertainty covers readings at rates the curve was not fitted on', async (t) => {
  // Deterministic noise of up to ±4%, repeats at two rates.
  const noise = [0.03, -0.04, 0.01, 0.04, -0.02, 0.02, -0.03, 0.0];
  const rates = [0, 100, 100, 250, 400, 400, 600, 800];
  const points = rates.map((r, i) => at(r, noise[i]!));
  const fit = fitOf(points);
  t.equal(fit.rates, 6, 'repeats at one rate are one knot');
  t.ok(fit.repeatMaxRelSpread !== null && fit.repeatMaxRelSpread > 0.05, `the repeats' spread is measured (${fit.repeatMaxRelSpread})`);
  for (const rps of [150, 330, 500, 700]) {
    const err = Math.abs(readCurve(points, rps).cpuMsPerS - shape(rps)) / shape(rps);
    t.ok(err <= fit.uncertainty!, `at ${rps}: off by ${(err * 100).toFixed(1)}% <= ${(fit.uncertainty! * 100).toFixed(1)}%`);
  }
  t.same(knots([at(100, 0.1), at(100.2, -0.1)]).length, 1, 'rates within half a request per second are one knot');
});

t.test('a curve of one rate says it has one point and cannot state its uncertainty', async (t) => {
  const fit = fitOf([at(300)]);
  t.same(fit, { rates: 1, fromRps: 300, toRps: 300, looMaxRelError: null, repeatMaxRelSpread: null, uncertainty: null });
  t.same(readCurve([at(300)], 300), { cpuMsPerS: shape(300), extrapolated: false });
  t.ok(readCurve([at(300)], 200).extrapolated, 'any other rate is an extrapolation');
  t.equal(rateAtCpu([at(300)], 1000), null, 'and no ceiling can be read off one point');
  t.throws(() => readCurve([], 10), /without points/);
});

t.test('the rate at which a curve reaches a ceiling', async (t) => {
  const points = [0, 100, 200, 400, 600, 800].map((r) => at(r));
  const one = rateAtCpu(points, 1000)!;
  t.notOk(one.extrapolated);
  t.ok(Math.abs(shape(one.rps) - 1000) / 1000 < 0.02, `one core at ${one.rps.toFixed(0)} req/s (shape says ${shape(one.rps).toFixed(0)} ms/s there)`);
  const two = rateAtCpu(points, 2000)!;
  t.ok(two.extrapolated && two.rps > 800, 'beyond the measured rates: extended, and said so');
  t.equal(rateAtCpu([at(100), { ...at(200), cpuMsPerS: shape(100) }], 1000), null, 'a curve that stops rising never reaches it');
});

/** A stack window: each process's CPU from `shape` of what it served (per replica), times replicas. */
function window(grpcRps: number, redisRps: number, replicas = 1, source: CostWindow['source'] = 'trial'): CostWindow {
  const total = grpcRps + redisRps;
  return {
    source,
    windowS: 15,
    replicas,
    routeRps: { grpc: grpcRps, redis: redisRps },
    cpuMsPerS: {
      'grpc-client': shape(grpcRps / replicas) * replicas,
      'grpc-server': 0.8 * shape(grpcRps / replicas) * replicas,
      'redis-writer': 1.2 * shape(redisRps / replicas) * replicas,
      redis: 0.1 * shape(redisRps),
      // Additive by route, as MongoDB's per-route curves model it: each route's writes on one server at rest.
      mongo: 1.1 * (shape(grpcRps) + shape(redisRps) - shape(0)),
      ingress: 0.4 * shape(total),
      k6: 0.9 * shape(total),
    },
  };
}

t.test('curves from a stack\'s windows predict each process, route and the limiting process', async (t) => {
  // As a capacity run measures: idle, route A alone, route B alone, the split.
  const windows = [window(0, 0, 1, 'idle'), ...[100, 300, 600, 900].map((r) => window(r, 0)), ...[100, 300, 600, 900].map((r) => window(0, r)), ...[200, 500].map((r) => window(r / 2, r / 2))];
  const curves = buildCurves(windows, 'synthetic');
  t.same(curves.processes.map((p) => p.process), ['grpc-client', 'grpc-server', 'ingress', 'k6', 'mongo', 'mongo@grpc', 'mongo@redis', 'redis', 'redis-writer']);
  t.same(curves.processes.find((p) => p.process === 'mongo@grpc')!.points.map((p) => p.rps), [0, 100, 300, 600, 900], "MongoDB's route A curve: the idle stack and route A's trials alone");
  const client = curves.processes.find((p) => p.process === 'grpc-client')!;
  t.same(client.points.map((p) => p.rps), [0, 100, 100, 250, 300, 600, 900], "grpc-client's points: idle, its share of the split, route A alone; none from route B's trials");

  const p = predict(curves, 400, { grpc: 0.5, redis: 0.5 }, 2);
  const pc = p.processes.find((x) => x.process === 'grpc-client')!;
  t.equal(pc.instances, 2);
  t.equal(pc.rpsPerInstance, 100, '400 req/s, half to grpc, over 2 replicas: 100 each');
  t.ok(Math.abs(pc.cpuMsPerS - 2 * shape(100)) < 0.5, 'two replicas at their own rate, read off the curve');
  const mongo = p.processes.find((x) => x.process === 'mongo')!;
  t.equal(mongo.instances, 1);
  const mongoTrue = 1.1 * (2 * shape(200) - shape(0));
  t.ok(Math.abs(mongo.cpuMsPerS - mongoTrue) / mongoTrue < 0.03, "MongoDB: its route A and route B curves at each route's rate, at rest counted once");
  t.notOk(p.processes.some((x) => x.process.startsWith('mongo@')), 'one MongoDB in the prediction');
  const mongoA = 1.1 * shape(200) - (1.1 * shape(0)) / 2;
  t.ok(Math.abs(p.routeCores.grpc - (1.8 * 2 * shape(100) + mongoA) / 1000) < 0.01, "route A's cores: its processes plus its own part of MongoDB's");
  // redis-writer (1.2 x shape) reaches a core at 1.2 * shape(x) = 1000, x ~ 448 req/s of its own
  // (grpc-client at ~569, the ingress at ~1,845): at 50/50 over 1 replica, ~896 req/s in all.
  const one = predict(curves, 400, { grpc: 0.5, redis: 0.5 }, 1);
  t.equal(one.limitedBy?.process, 'redis-writer', 'the process that reaches its ceiling first');
  t.ok(Math.abs(one.limitedBy!.atRps - 896) / 896 < 0.03, `at ${one.limitedBy!.atRps} req/s in all`);
  t.notOk(one.limitedBy!.extrapolated, 'inside the measured rates');
  const ingress = one.processes.find((x) => x.process === 'ingress')!;
  t.ok(ingress.ceilingExtrapolated && ingress.ceilingAtRps! > 900, "the ingress's ceiling lies beyond the measured rates, and says so");
  t.notOk(p.processes.some((x) => x.process === 'k6' && x.ceilingAtRps !== null), 'k6 and MongoDB are bounded by the machine only');

  const measured = window(200, 200, 2);
  const check = checkPrediction(p, measured);
  t.equal(check.length, 7, 'every measured process, MongoDB once');
  for (const c of check) t.ok(Math.abs(c.relError!) < 0.05, `${c.process}: predicted ${c.predictedMsPerS.toFixed(0)}, measured ${c.measuredMsPerS.toFixed(0)} ms/s`);
});

t.test('the uncertainty of a reading is judged where it is read', async (t) => {
  // Sharply bent near rest, nearly straight above: the miss at 50 says little about readings at 500.
  const points = [0, 50, 100, 300, 500, 700].map((r) => at(r));
  const fit = fitOf(points);
  const low = uncertaintyAt(points, 70)!;
  const high = uncertaintyAt(points, 550)!;
  t.equal(fit.uncertainty, Math.max(low, high, fit.uncertainty!), 'the curve states its worst miss');
  t.ok(high < low, `a reading at 550 (±${(high * 100).toFixed(1)}%) is surer than one at 70 (±${(low * 100).toFixed(1)}%)`);
  for (const rps of [70, 200, 400, 550]) {
    const err = Math.abs(readCurve(points, rps).cpuMsPerS - shape(rps)) / shape(rps);
    t.ok(err <= uncertaintyAt(points, rps)!, `at ${rps}: off by ${(err * 100).toFixed(2)}%, within its own ±${(uncertaintyAt(points, rps)! * 100).toFixed(2)}%`);
  }
});
