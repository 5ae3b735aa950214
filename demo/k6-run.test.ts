// runK6's thresholds, on the real k6 (.tools/bin/k6) against a node:http stub of the contract on
// 127.0.0.1 (timeseries/stub.ts) that answers every 10th redis request with a 500: 'off' must leave k6
// judging nothing (exit 0 with 10% errors, no thresholds in the summary, the same per-route figures),
// and thresholds on must judge (exit 99, every one listed). No assertion depends on timing: the error
// rate alone crosses the default thresholds, whatever the latency.
import t from 'tap';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { K6_METRICS as M } from '../contract/k6-metrics.js';
import { LOADTEST_ENV as E, THRESHOLDS_OFF } from '../contract/load-profiles.js';
import { findBinary } from '../stack/tools.js';
import { startStub } from '../timeseries/stub.js';
import { freePort } from '../stack/ports.js';
import { liveDashboardUrl, runK6, type K6RunOptions } from './k6-run.js';

const POOL = [{ curso: 'ANP', facultad: 'Ingenieria', carrera: 'Arte', region: 'METROPOLITANA' }];
const ROUTES = ['grpc', 'redis'] as const;

/** Sets process.env names for one run (runK6 passes the caller's environment on), restored after. */
async function withEnv<T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await f();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

t.test("thresholds 'off' and on, on the real k6", { skip: findBinary('k6') ? false : 'k6 not built: run npm run tools' }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-k6th-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'pool.json'), JSON.stringify(POOL));
  const progress = new Writable({ write: (_chunk, _enc, done) => done() });
  const run = async (name: string, thresholds: K6RunOptions['thresholds']) => {
    const stub = await startStub({ failEvery: { redis: 10 } });
    try {
      const outDir = path.join(dir, name);
      mkdirSync(outDir);
      const k6 = await runK6({ baseUrl: stub.url, runId: `tap-th-${name}-${process.pid}`, dataFile: path.join(dir, 'pool.json'), outDir, scenario: 'load', rate: 40, duration: '3s', routes: [...ROUTES], progress, samples: false, ...(thresholds ? { thresholds } : {}) });
      return { k6, answered: stub.answered };
    } finally {
      await stub.close();
    }
  };

  // A P95_MS in the caller's shell would make the script refuse THRESHOLDS=off: runK6 drops it.
  const off = await withEnv({ [E.P95_MS]: '1' }, () => run('off', 'off'));
  const s = off.k6.summary;
  if (!s) return t.fail(`k6 wrote a summary with thresholds off (exit ${off.k6.exitCode})`);
  t.ok(off.answered.redis['500']! > 0, `the stub answered ${off.answered.redis['500']} 500s on redis`);
  t.equal(off.k6.exitCode, 0, `exit 0 with ${(s.routes.redis!.errorRate * 100).toFixed(0)}% redis errors: k6 judged nothing`);
  t.equal(s.thresholds, null, 'no thresholds in the summary: neither passed nor failed');
  t.same([s.settings.maxErrorRate, s.settings.p95Ms, s.settings.p99Ms], [null, null, null], 'and no threshold settings');
  for (const route of ROUTES) {
    const served = off.answered[route];
    const r = s.routes[route]!;
    t.equal(r.requests, (served['201'] ?? 0) + (served['500'] ?? 0), `${route}: per-route requests still counted (sub-metrics without thresholds)`);
    t.equal(r.errors, served['500'] ?? 0, `${route}: errors = the stub's 500s`);
    t.equal(r.attempts, r.requests, `${route}: attempts counted`);
    t.type(r.p99, 'number', `${route}: p99 measured`);
  }

  // THRESHOLDS=off in the caller's shell must not turn them off unasked.
  const on = await withEnv({ [E.THRESHOLDS]: THRESHOLDS_OFF }, () => run('on', undefined));
  const o = on.k6.summary;
  if (!o) return t.fail(`k6 wrote a summary with thresholds on (exit ${on.k6.exitCode})`);
  t.equal(on.k6.exitCode, 99, 'exit 99: the redis error rate crossed its threshold');
  if (!o.thresholds) return t.fail('the summary lists the thresholds k6 judged');
  t.equal(o.thresholds.passed, false);
  t.ok(o.thresholds.failed.includes(`${M.errors}{route:redis} rate<=0.01`), `redis's error threshold failed (${o.thresholds.failed.join(', ')})`);
  const listed = o.thresholds.all.map((x) => `${x.metric} ${x.threshold}`);
  for (const route of ROUTES) {
    for (const th of [`${M.errors}{route:${route}} rate<=0.01`, `${M.requestDuration}{route:${route}} p(99)<100`, `${M.requests}{route:${route}} count>0`]) t.ok(listed.includes(th), `judged: ${th}`);
  }
  t.ok(listed.includes('checks rate==1'), 'judged: checks rate==1');
  t.notOk(listed.some((x) => x.startsWith(M.attempts) || x.startsWith(M.retries) || x.startsWith(M.attemptDuration)), 'the sub-metrics named only for their figures are not listed as thresholds');
  t.equal(o.routes.redis!.errors, on.answered.redis['500'] ?? 0, 'the same per-route figures with thresholds on');
});

// --live: k6's own web dashboard served while k6 runs (the real k6's server, read as a browser does:
// its server-sent events), and still exported to report.html at the end.
t.test('livePort serves the web dashboard while k6 runs', { skip: findBinary('k6') ? false : 'k6 not built: run npm run tools' }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'splitbench-k6live-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'pool.json'), JSON.stringify(POOL));
  const stub = await startStub({});
  t.teardown(() => stub.close());
  const livePort = await freePort();
  const progress = new Writable({ write: (_chunk, _enc, done) => done() });
  const k6 = runK6({ baseUrl: stub.url, runId: `tap-live-${process.pid}`, dataFile: path.join(dir, 'pool.json'), outDir: dir, scenario: 'load', rate: 20, duration: '6s', routes: [...ROUTES], progress, samples: false, thresholds: 'off', livePort });
  let ended = false;
  void k6.finally(() => (ended = true));
  // Poll until the server is up (k6 starts it after its init), then read events until a snapshot of metrics.
  let events = '';
  while (!ended && !/event: snapshot/.test(events)) {
    try {
      const res = await fetch(`${liveDashboardUrl(livePort)}events`, { signal: AbortSignal.timeout(3000) });
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      while (!/event: snapshot/.test(events)) {
        const { value, done } = await reader.read();
        if (done) break;
        events += decoder.decode(value, { stream: true });
      }
      await reader.cancel();
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const result = await k6;
  t.equal(result.exitCode, 0, 'k6 ran to the end with the dashboard served');
  t.match(events, /"title":"k6 dashboard"/, 'the dashboard answered while k6 ran: its configuration');
  t.match(events, /event: snapshot/, 'and a snapshot of live metrics');
  t.ok(existsSync(result.reportFile), 'report.html is still exported at the end');
});
