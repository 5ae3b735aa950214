/**
 * The k6 script run for real: the k6 binary against a stub of the contract on port 0, for a few
 * seconds, checking that summary.json and the `splitbench.ack` lines agree exactly with what the server
 * answered, that errors cross the thresholds (exit 99) and that an unready target stops the run before
 * any write (exit 108). Plus the profile, settings and threshold arithmetic, which is plain TypeScript
 * Node can run. No assertion depends on timing: the runs that count answers judge no thresholds
 * (THRESHOLDS=off); the one with thresholds fails them on errors, whatever its latency.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import type { Test } from 'tap';
import { COURSE_PATH, HEADERS, IDEMPOTENCY_KEY_PATTERN, READYZ_PATH } from '../contract/http.js';
import { ROUTES } from '../contract/routes.js';
import { PROFILE_NAMES, SettingError, parseDuration, selectProfile } from './profiles.js';
import { loadSettings } from './settings.js';
import { buildThresholds } from './thresholds.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCRIPT = path.join(HERE, 'main.ts');
const ACK_LINE = /splitbench\.ack (\S+) (\S+) (\S+) (\d{3})/g;

function findK6(): string | undefined {
  const local = path.join(HERE, '..', '.tools', 'bin', 'k6');
  if (existsSync(local)) return local;
  const onPath = spawnSync('k6', ['version'], { encoding: 'utf8' });
  return onPath.status === 0 ? 'k6' : undefined;
}
const k6 = findK6();
const noK6 = k6 === undefined ? 'k6 binary missing: run `bash scripts/install-tools.sh` (builds .tools/bin/k6) or put k6 v2 on PATH' : false;

type Mode = 'ok' | 'fail' | 'not-ready' | 'flaky' | 'wrong-id';

/** What the stub saw, per route: the Idempotency-Keys it answered. */
interface Stub {
  url: string;
  keys: Map<string, string[]>;
  runIds: Set<string>;
  badRequests: string[];
  close(): Promise<void>;
}

/** Answers like both routes would, alternating X-Route grpc/redis; mode `fail` answers 500s instead. */
async function startStub(mode: Mode): Promise<Stub> {
  const keys = new Map<string, string[]>(ROUTES.map((r) => [r, []]));
  const runIds = new Set<string>();
  const badRequests: string[] = [];
  const seen = new Set<string>();
  let n = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url === READYZ_PATH) {
      res.writeHead(mode === 'not-ready' ? 503 : 200, { 'content-type': 'application/json' });
      res.end(mode === 'not-ready' ? '{"error":"not_ready","message":"mongo down"}' : '{"status":"ready"}');
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const route = ROUTES[n++ % ROUTES.length] as string;
      const key = String(req.headers[HEADERS.idempotencyKey]);
      runIds.add(String(req.headers[HEADERS.runId]));
      try {
        const record = JSON.parse(body) as { curso?: unknown };
        if (req.method !== 'POST' || req.url !== COURSE_PATH || req.headers['content-type'] !== 'application/json' || typeof record.curso !== 'string') {
          badRequests.push(`${req.method} ${req.url} ${req.headers['content-type']} ${body.slice(0, 80)}`);
        }
      } catch {
        badRequests.push(`unparsable body: ${body.slice(0, 80)}`);
      }
      if (mode === 'fail') {
        res.writeHead(500, { 'content-type': 'application/json', [HEADERS.route]: route });
        res.end('{"error":"internal","message":"stub failure"}');
        return;
      }
      // flaky: the first attempt of every key is a 503 with Retry-After 0; the retry is stored.
      if (mode === 'flaky' && !seen.has(key)) {
        seen.add(key);
        res.writeHead(503, { 'content-type': 'application/json', [HEADERS.route]: route, 'retry-after': '0' });
        res.end('{"error":"unavailable","message":"stub outage"}');
        return;
      }
      keys.get(route)?.push(key);
      res.writeHead(201, { 'content-type': 'application/json', [HEADERS.route]: route, [HEADERS.instance]: 'stub' });
      // wrong-id: acknowledged, but naming another id than the key (what the script's check is for).
      res.end(JSON.stringify({ id: mode === 'wrong-id' ? `not-${key}` : key, route, receivedAt: new Date().toISOString() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    runIds,
    badRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface K6Result {
  code: number | null;
  stdout: string;
  stderr: string;
  summary: Summary | undefined;
}

interface RouteSummary {
  requests: number;
  acknowledged: number;
  errors: number;
  errorRate: number;
  p99: number | null;
  attempts: number;
  retries: number;
}
interface Summary {
  runId: string;
  setupCompleted: boolean;
  requests: number;
  acknowledged: number;
  errorRate: number;
  unrouted: number;
  droppedIterations: number;
  routes: Record<string, RouteSummary>;
  thresholds: { passed: boolean; failed: string[]; all: { metric: string; threshold: string }[] } | null;
  failedChecks: number | null;
  settings: { rate: number; poolSize: number | null; p99Ms: number | null };
}

/**
 * Runs k6 asynchronously: the stub lives in this process, and a blocking spawnSync would stop it
 * from answering. Only the variables below reach k6, so a K6_VUS in the caller's shell cannot leak in.
 */
async function runK6(t: Test, settings: Record<string, string>): Promise<K6Result> {
  const dir = mkdtempSync(path.join(tmpdir(), 'splitbench-k6-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const pool = path.join(dir, 'pool.json');
  writeFileSync(
    pool,
    JSON.stringify([
      { carnet: '201500011', nombre: 'Ana Pérez', curso: 'SO1', nota: 75, semestre: '1S', year: 2024, facultad: 'Ingenieria', carrera: 'Sistemas', region: 'METROPOLITANA' },
      { curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' },
    ]),
  );
  const summaryPath = path.join(dir, 'summary.json');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    DATA: pool,
    SUMMARY: summaryPath,
    ...settings,
  };
  const child = spawn(k6 as string, ['run', '--quiet', '--no-color', '--log-format', 'raw', SCRIPT], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // A guard against a hung k6, far above the few seconds a run takes; not a timing assertion.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => clearTimeout(guard));
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as Summary) : undefined;
  return { code, stdout, stderr, summary };
}

function ackLines(stderr: string): { runId: string; route: string; id: string; status: string }[] {
  return [...stderr.matchAll(ACK_LINE)].map((m) => ({ runId: m[1] as string, route: m[2] as string, id: m[3] as string, status: m[4] as string }));
}

/** Latency is the machine's business, not this test's: the runs that count answers judge nothing. */
const NO_THRESHOLDS = { THRESHOLDS: 'off' };

t.test('a short run: summary.json and the ack lines match what the server answered, route by route', { skip: noK6 }, async (t) => {
  const stub = await startStub('ok');
  t.teardown(() => stub.close());
  const runId = `tap-${process.pid}`;
  const r = await runK6(t, { BASE_URL: stub.url, RUN_ID: runId, SCENARIO: 'load', RATE: '40', DURATION: '3s', PRE_ALLOCATED_VUS: '4', ...NO_THRESHOLDS });
  t.equal(r.code, 0, `k6 exits 0\n${r.stderr.slice(-2000)}`);
  t.same(stub.badRequests, [], 'every request is a JSON POST /course with a record');
  t.same([...stub.runIds], [runId], 'every request carries X-Run-Id');

  const s = r.summary;
  if (!s) return t.fail('summary.json was written');
  const served = [...stub.keys.values()].reduce((n, k) => n + k.length, 0);
  t.ok(served > 0, `the stub answered ${served} writes`);
  t.equal(s.runId, runId);
  t.equal(s.setupCompleted, true);
  t.equal(s.requests, served, 'requests = what the server answered');
  t.equal(s.acknowledged, served, 'all acknowledged');
  t.equal(s.unrouted, 0);
  t.equal(s.errorRate, 0);
  t.equal(s.thresholds, null, 'THRESHOLDS=off: no thresholds in the summary, so none passed');
  t.equal(s.failedChecks, 0, 'every acknowledged answer named its key');
  t.equal(s.settings.rate, 40);
  t.equal(s.settings.poolSize, 2);
  t.equal(typeof s.droppedIterations, 'number');

  const acks = ackLines(r.stderr);
  const allIds = acks.map((a) => a.id);
  t.equal(new Set(allIds).size, allIds.length, 'every Idempotency-Key is unique');
  for (const route of ROUTES) {
    const keys = stub.keys.get(route) ?? [];
    t.equal(s.routes[route]?.acknowledged, keys.length, `${route}: summary acknowledged = stub count (${keys.length})`);
    t.equal(s.routes[route]?.requests, keys.length, `${route}: summary requests = stub count`);
    t.equal(s.routes[route]?.errors, 0, `${route}: no errors`);
    t.type(s.routes[route]?.p99, 'number', `${route}: p99 reported`);
    const logged = acks.filter((a) => a.route === route);
    t.same(logged.map((a) => a.id).sort(), [...keys].sort(), `${route}: the ack lines name exactly the ids the stub acknowledged`);
    t.ok(logged.every((a) => a.runId === runId && a.status === '201'), `${route}: ack lines carry the run id and status 201`);
  }
  t.ok(
    allIds.every((id) => IDEMPOTENCY_KEY_PATTERN.test(id) && new RegExp(`^${runId}-\\d+-\\d+$`).test(id)),
    'keys are <runId>-<vu>-<iteration> and fit the contract pattern',
  );
  t.match(r.stdout, /route\s+requests\s+acked/, 'a table for people on stdout');
});

t.test('503s are retried with the same Idempotency-Key: every request acknowledged once, each retry counted', { skip: noK6 }, async (t) => {
  const stub = await startStub('flaky');
  t.teardown(() => stub.close());
  const runId = `tap-retry-${process.pid}`;
  const r = await runK6(t, { BASE_URL: stub.url, RUN_ID: runId, RATE: '20', DURATION: '2s', PRE_ALLOCATED_VUS: '4', ...NO_THRESHOLDS });
  t.equal(r.code, 0, `k6 exits 0: the retries succeed\n${r.stderr.slice(-2000)}`);
  const s = r.summary;
  if (!s) return t.fail('summary.json was written');
  const stored = [...stub.keys.values()].flat();
  t.ok(stored.length > 0, `${stored.length} writes stored`);
  t.equal(new Set(stored).size, stored.length, 'no key stored twice');
  t.equal(s.acknowledged, stored.length, 'every request acknowledged by its retry');
  t.equal(s.errorRate, 0, 'a request that succeeded on retry is not an error');
  const attempts = Object.values(s.routes).reduce((n, x) => n + x.attempts, 0);
  const retries = Object.values(s.routes).reduce((n, x) => n + x.retries, 0);
  t.equal(attempts, 2 * stored.length, 'two attempts per request');
  t.equal(retries, stored.length, 'one retry per request');
  const acks = ackLines(r.stderr);
  t.same(acks.map((a) => a.id).sort(), [...stored].sort(), 'one ack line per request, for the final answer');
});

t.test('500s from both routes cross the per-route error thresholds (the defaults): k6 exits 99', { skip: noK6 }, async (t) => {
  const stub = await startStub('fail');
  t.teardown(() => stub.close());
  const r = await runK6(t, { BASE_URL: stub.url, RUN_ID: `tap-fail-${process.pid}`, RATE: '20', DURATION: '2s', PRE_ALLOCATED_VUS: '2' });
  t.equal(r.code, 99, `exit code 99 (thresholds crossed)\n${r.stderr.slice(-2000)}`);
  const s = r.summary;
  if (!s) return t.fail('summary.json is written on failure too');
  t.equal(s.acknowledged, 0);
  t.ok(s.requests > 0, 'requests were sent');
  t.equal(s.errorRate, 1);
  if (!s.thresholds) return t.fail('the summary has the thresholds k6 judged');
  t.equal(s.thresholds.passed, false);
  for (const route of ROUTES) t.ok(s.thresholds.failed.some((f) => f.startsWith(`route_errors{route:${route}}`)), `route_errors{route:${route}} failed`);
  t.same(ackLines(r.stderr), [], 'nothing acknowledged, nothing logged as acknowledged');
});

t.test('THRESHOLDS=off: an answer naming another id passes no threshold, and the summary counts the failed checks', { skip: noK6 }, async (t) => {
  const stub = await startStub('wrong-id');
  t.teardown(() => stub.close());
  const r = await runK6(t, { BASE_URL: stub.url, RUN_ID: `tap-id-${process.pid}`, RATE: '20', DURATION: '2s', PRE_ALLOCATED_VUS: '2', ...NO_THRESHOLDS });
  t.equal(r.code, 0, `k6 exits 0: it judged nothing\n${r.stderr.slice(-2000)}`);
  const s = r.summary;
  if (!s) return t.fail('summary.json was written');
  t.ok(s.acknowledged > 0, `${s.acknowledged} acknowledged`);
  t.equal(s.thresholds, null, 'no thresholds');
  t.equal(s.failedChecks, s.acknowledged, 'one failed check per acknowledged answer');
  t.equal(s.settings.p99Ms, null, 'no p99 threshold recorded as a setting');
});

t.test('settings: THRESHOLDS=off judges nothing and refuses threshold settings beside it', async (t) => {
  const on = loadSettings({});
  t.same(on.thresholds, { maxErrorRate: 0.01, p95Ms: 50, p99Ms: 100 }, 'on by default');
  t.same(loadSettings({ THRESHOLDS: 'on', P99_MS: '250' }).thresholds?.p99Ms, 250);
  const off = loadSettings({ THRESHOLDS: 'off' });
  t.equal(off.thresholds, null);
  t.throws(() => loadSettings({ THRESHOLDS: 'off', P95_MS: '80' }), /THRESHOLDS=off declares no thresholds, so P95_MS would be ignored/);
  t.throws(() => loadSettings({ THRESHOLDS: 'no' }), /THRESHOLDS must be on or off, got "no"/);

  const judged = buildThresholds(on);
  t.same(judged['route_req_duration{route:grpc}'], ['p(95)<50', 'p(99)<100']);
  t.same(judged.checks, ['rate==1']);
  t.same(judged['route_attempts{route:grpc}'], [], 'attempts: a sub-metric, never judged');
  const none = buildThresholds(off);
  t.same(Object.values(none).flat(), [], 'off: not one threshold');
  t.same(Object.keys(none).sort(), Object.keys(judged).filter((k) => k.includes('{route:')).sort(), 'off: the same per-route sub-metrics, so the summary has the same figures');
});

t.test('a target that is not ready stops the run in setup(), before any write: k6 exits 108', { skip: noK6 }, async (t) => {
  const stub = await startStub('not-ready');
  t.teardown(() => stub.close());
  const r = await runK6(t, { BASE_URL: stub.url, RATE: '20', DURATION: '2s' });
  t.equal(r.code, 108, 'exit code 108 (test.abort)');
  t.match(r.stderr, `${stub.url}${READYZ_PATH} is not ready (HTTP 503`, 'the message names the URL and the status');
  t.equal(stub.runIds.size, 0, 'no POST reached the server');
  t.equal(r.summary?.setupCompleted, false, 'summary.json says setup did not complete');
});

t.test('profiles: every name builds its executor, settings apply, mistakes are named', async (t) => {
  for (const name of PROFILE_NAMES) {
    const p = selectProfile({ SCENARIO: name }, 'postCourse');
    t.equal(p.name, name);
    t.equal(p.scenario.exec, 'postCourse', `${name}: runs postCourse`);
    t.match(p.scenario.executor, /arrival-rate$/, `${name}: an open model`);
  }
  t.equal(selectProfile({}, 'x').name, 'load', 'load by default');
  t.equal(selectProfile({ SCENARIO: 'average' }, 'x').name, 'load', '"average" (the k8s Job default) is load');

  const load = selectProfile({ RATE: '50', DURATION: '2m', PRE_ALLOCATED_VUS: '3', MAX_VUS: '7' }, 'x');
  t.match(load.scenario, { executor: 'constant-arrival-rate', rate: 50, duration: '120s', preAllocatedVUs: 3, maxVUs: 7, timeUnit: '1s' });
  t.equal(selectProfile({ PRE_ALLOCATED_VUS: '500' }, 'x').maxVUs, 500, 'MAX_VUS follows a larger PRE_ALLOCATED_VUS');

  const stress = selectProfile({ SCENARIO: 'stress', RATE: '400', START_RATE: '100', DURATION: '100s' }, 'x');
  if (stress.scenario.executor !== 'ramping-arrival-rate') return t.fail('stress ramps');
  t.equal(stress.scenario.startRate, 100);
  t.same(
    stress.scenario.stages.map((st) => st.target),
    [175, 175, 250, 250, 325, 325, 400, 400],
    'four steps up to RATE',
  );
  const stressSeconds = stress.scenario.stages.reduce((n, st) => n + (parseDuration(st.duration) ?? 0), 0);
  t.equal(stressSeconds, 100, 'stages add up to DURATION');

  const spike = selectProfile({ SCENARIO: 'spike', RATE: '900', DURATION: '40s' }, 'x');
  if (spike.scenario.executor !== 'ramping-arrival-rate') return t.fail('spike ramps');
  t.equal(Math.max(...spike.scenario.stages.map((st) => st.target)), 900, 'peaks at RATE');
  t.equal(spike.scenario.stages.at(-1)?.target, 90, 'ends back at START_RATE (RATE/10)');

  t.equal(parseDuration('90'), 90);
  t.equal(parseDuration('1h30m'), 5400);
  t.equal(parseDuration('1m30s'), 90);
  t.equal(parseDuration('0s'), undefined);
  t.equal(parseDuration('5 m'), undefined);

  t.throws(() => selectProfile({ SCENARIO: 'ramp' }, 'x'), /SCENARIO must be one of smoke, load, stress, spike, soak/);
  t.throws(() => selectProfile({ RATE: '0' }, 'x'), /RATE must be a positive integer, got "0"/);
  t.throws(() => selectProfile({ RATE: '1.5' }, 'x'), SettingError);
  t.throws(() => selectProfile({ DURATION: 'soon' }, 'x'), /DURATION must be a duration/);
  t.throws(() => selectProfile({ PRE_ALLOCATED_VUS: '9', MAX_VUS: '3' }, 'x'), /MAX_VUS \(3\) must be at least PRE_ALLOCATED_VUS \(9\)/);
  t.throws(() => selectProfile({ K6_VUS: '10' }, 'x'), /K6_VUS is set: it would replace the scenarios/);
  t.throws(() => selectProfile({ K6_DURATION: '1m' }, 'x'), /K6_DURATION/);
});
