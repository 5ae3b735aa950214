/**
 * The stores' probes, run for real: the exact commands from the built StatefulSets (only the port
 * rewritten to the test server's) against a real redis-server and a real MongoDB-wire server
 * (mongod, or FerretDB from scripts/install-tools.sh). Each must pass against a healthy server and
 * fail against a stopped one (SIGSTOP: the kernel still accepts connections, as the Linkerd proxy
 * does for a hung store, linkerd2 issue 7777) and against a closed port.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { startMongo } from '../stack/mongo.js';
import { freePort } from '../stack/ports.js';
import { startProcess, waitUntil } from '../stack/process.js';
import { requireBinary } from '../stack/tools.js';
import { kustomize, one, REPO_ROOT } from './lib/kustomize.js';
import { onlyContainer, podTemplate, type Probe } from './lib/workloads.js';

const entry = kustomize(path.join(REPO_ROOT, 'linkerd'));

type Probes = { startupProbe?: Probe; readinessProbe?: Probe; livenessProbe?: Probe };
function probes(store: string): Record<string, string[]> {
  const c = onlyContainer(one(entry, 'StatefulSet', store)) as ReturnType<typeof onlyContainer> & Probes;
  const out: Record<string, string[]> = {};
  for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) {
    const cmd = c[kind]?.exec?.command;
    if (cmd !== undefined) out[kind] = cmd;
  }
  return out;
}

/** Runs a probe command with the store's port rewritten; true when it exits 0 (as the kubelet reads it). */
function probe(command: string[], from: number, to: number, env: NodeJS.ProcessEnv = {}): { ok: boolean; ms: number } {
  const rewritten = command.map((a) => a.replaceAll(`/${from}`, `/${to}`).replaceAll(`-p ${from}`, `-p ${to}`));
  if (JSON.stringify(rewritten) === JSON.stringify(command)) throw new Error(`port ${from} not found in ${JSON.stringify(command)}`);
  const started = Date.now();
  const [cmd, ...args] = rewritten as [string, ...string[]];
  const r = spawnSync(cmd, args, { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 15_000 });
  return { ok: r.status === 0, ms: Date.now() - started };
}

t.test('no store has a TCP probe, and each has an exec liveness and readiness probe', async (t) => {
  for (const store of ['redis', 'mongodb']) {
    const c = onlyContainer(one(entry, 'StatefulSet', store)) as ReturnType<typeof onlyContainer> & Probes;
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'] as const) t.equal(c[kind]?.tcpSocket, undefined, `${store} ${kind}: no tcpSocket`);
    t.ok(c.livenessProbe?.exec && c.readinessProbe?.exec, `${store}: exec liveness and readiness`);
    const sc = podTemplate(one(entry, 'StatefulSet', store)).spec.securityContext as { fsGroupChangePolicy?: string } | undefined;
    t.equal(sc?.fsGroupChangePolicy, 'OnRootMismatch', `${store}: the volume is chowned only when its root does not match`);
  }
});

t.test('redis probes against a real redis-server', async (t) => {
  const bin = requireBinary('redis-server', 'install redis-server (scripts/install-tools.sh does)');
  const port = await freePort();
  const proc = startProcess({ name: 'redis', command: bin, args: ['--port', String(port), '--bind', '127.0.0.1', '--requirepass', 'probe-secret', '--save', '', '--appendonly', 'no'] });
  t.teardown(() => proc.stop(5000));
  const ping = (): boolean => spawnSync('redis-cli', ['-p', String(port), '-a', 'probe-secret', '--no-auth-warning', 'ping'], { encoding: 'utf8' }).stdout.includes('PONG');
  await waitUntil(proc, async () => ping(), 10_000, 'answering PING');
  const auth = { REDISCLI_AUTH: 'probe-secret' };
  for (const [kind, command] of Object.entries(probes('redis'))) {
    t.ok(probe(command, 6379, port, auth).ok, `${kind} passes against a healthy Redis`);
    t.notOk(probe(command, 6379, port, { REDISCLI_AUTH: 'wrong' }).ok, `${kind} fails without the right password (REDISCLI_AUTH from the Secret)`);
  }
  proc.child.kill('SIGSTOP');
  try {
    for (const [kind, command] of Object.entries(probes('redis'))) {
      const r = probe(command, 6379, port, auth);
      t.notOk(r.ok, `${kind} fails against a hung Redis (${r.ms} ms)`);
    }
  } finally {
    proc.child.kill('SIGCONT');
  }
  const closed = await freePort();
  for (const [kind, command] of Object.entries(probes('redis'))) t.notOk(probe(command, 6379, closed, auth).ok, `${kind} fails on a closed port`);
});

t.test('mongodb probes against a real MongoDB-wire server', async (t) => {
  const server = await startMongo({ ownServer: true });
  t.teardown(() => server.stop());
  const port = Number(new URL(server.url).port);
  const commands = probes('mongodb');
  t.same(Object.keys(commands).sort(), ['livenessProbe', 'readinessProbe', 'startupProbe'], 'startup, readiness and liveness');
  for (const [kind, command] of Object.entries(commands)) {
    t.equal(command.slice(0, 3).join(' '), 'timeout 4 bash', `${kind}: bash only, ended by itself after 4 s (no mongosh)`);
    t.ok(probe(command, 27017, port).ok, `${kind} passes against a healthy ${server.kind}`);
  }
  const child = server.proc?.child;
  child?.kill('SIGSTOP');
  try {
    for (const [kind, command] of Object.entries(commands)) {
      const r = probe(command, 27017, port);
      t.notOk(r.ok, `${kind} fails against a hung ${server.kind} (by its own timeout: ${r.ms} ms)`);
    }
  } finally {
    child?.kill('SIGCONT');
  }
  const closed = await freePort();
  for (const [kind, command] of Object.entries(commands)) t.notOk(probe(command, 27017, closed).ok, `${kind} fails on a closed port`);
});
