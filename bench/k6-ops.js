/**
 * The price of each thing the project's k6 script does per request, one at a time: every operation run
 * N times in a loop in one VU, timed with Date.now(), printed as µs per operation (one line each on
 * stderr, `k6-ops <name> <µs>`). Wall time of k6's JS thread on a shared machine: compare the lines
 * of one run with each other, not with another run. `npm run bench:k6 -- --ops` runs it against the
 * bench's stub (BASE_URL), N from OPS_N (default 20000).
 */
/* global __ENV, console */
import { check } from 'k6';
import { SharedArray } from 'k6/data';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';

const counter = new Counter('ops_counter');
const trend = new Trend('ops_trend', true);
const rate = new Rate('ops_rate');
const RECORD = JSON.stringify({ carnet: '201900001', nombre: 'Ana Lopez', curso: 'SO1', nota: 87, semestre: '1S', year: 2025, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'NORTE' });
const pool = new SharedArray('ops pool', () => [RECORD]);
const URL = `${__ENV.BASE_URL}/course`;
const N = Number(__ENV.OPS_N || 20000);

// As the project's script declares them: a sub-metric per route.
export const options = { iterations: 1, vus: 1, thresholds: { 'ops_counter{route:grpc}': [], 'ops_trend{route:grpc}': [], 'ops_rate{route:grpc}': [] } };

function price(name, op, n = N) {
  const t0 = Date.now();
  for (let i = 0; i < n; i++) op(i);
  console.log(`k6-ops ${name} ${(((Date.now() - t0) * 1000) / n).toFixed(2)}`);
}

export default function () {
  const res = http.post(URL, RECORD, { headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'ops-1-0' } });
  const vu = exec.vu;
  const scenario = exec.scenario;
  const tags = { route: 'grpc' };
  price('empty loop', () => 0);
  price('exec.vu.idInTest (a fresh exec.vu)', () => exec.vu.idInTest);
  price('exec.scenario.iterationInTest (a fresh exec.scenario)', () => exec.scenario.iterationInTest);
  price('vu.iterationInInstance (exec.vu kept)', () => vu.iterationInInstance);
  price('scenario.iterationInTest (exec.scenario kept)', () => scenario.iterationInTest);
  price('SharedArray element', () => pool[0]);
  price('res.headers[X-Route]', () => res.headers['X-Route']);
  price('res.timings.duration', () => res.timings.duration);
  price("res.json('id')", () => res.json('id'));
  price('route token regex', () => /^[a-z0-9_-]{1,32}$/.test('grpc'));
  price('Counter.add, a fresh {route}', () => counter.add(1, { route: 'grpc' }));
  price('Counter.add, a kept {route}', () => counter.add(1, tags));
  price('Counter.add, no tags', () => counter.add(1));
  price('Trend.add {route}', () => trend.add(1.5, tags));
  price('Rate.add {route}', () => rate.add(false, tags));
  price('check, a function', () => check(res, { 'ops fn': (r) => r.status === 201 }));
  price('check, a value', () => check(res, { 'ops value': true }));
  price('console.log one line', (i) => console.log(`ops.line run grpc run-1-${i} 201 1795787766744 12 1`));
  price('http.post (for scale)', () => http.post(URL, RECORD, { headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'ops-1-0' } }), Math.ceil(N / 10));
}
