/**
 * Rendering one in-cluster run (k8s/loadtest/render.ts) and the script that applies it
 * (scripts/k8s-loadtest.sh): names, run ids, env, the Gateway default and the CRD version check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { RUN_ID_PATTERN } from '../contract/http.js';
import { job, operator } from './lib/loadtest-builds.js';
import { find, one, REPO_ROOT, type K8sObject } from './lib/kustomize.js';
import { validateObject } from './lib/schemas.js';
import { onlyContainer, podTemplate } from './lib/workloads.js';
import { defaultRunId, renderRun, runObjectName, toYaml, RenderError } from './loadtest/render.js';

const gatewayApiVersion = /sigs\.k8s\.io\/gateway-api (v[0-9.]+)/.exec(readFileSync(path.join(REPO_ROOT, 'tools', 'crds', 'go.mod'), 'utf8'))?.[1] ?? 'missing';

t.test('rendering a run: unique name, run id in env and labels, nothing else changed', async (t) => {
  const a = renderRun(job, { mode: 'job', runId: '20260815-143005', baseUrl: 'http://gw.example:80', scenario: 'stress' });
  const b = renderRun(job, { mode: 'job', runId: '20260815-143006' });
  const ja = one(a, 'Job', 'k6-20260815-143005');
  one(b, 'Job', 'k6-20260815-143006');
  t.equal(find(a, 'Job', 'k6').length, 0, 'the template name is gone');
  t.equal(ja.metadata.labels?.['splitbench.io/run-id'], '20260815-143005');
  t.equal(podTemplate(ja).metadata?.labels?.['splitbench.io/run-id'], '20260815-143005', 'pods carry the run id label too');
  const env = new Map((onlyContainer(ja).env ?? []).map((e) => [e.name, e.value]));
  t.same([env.get('RUN_ID'), env.get('BASE_URL'), env.get('SCENARIO')], ['20260815-143005', 'http://gw.example:80', 'stress']);
  t.equal(new Map((onlyContainer(one(b, 'Job', 'k6-20260815-143006')).env ?? []).map((e) => [e.name, e.value])).get('SCENARIO'), 'load', 'unset options keep the manifest defaults');
  t.same(find(a, 'ConfigMap'), find(job, 'ConfigMap'), 'ConfigMaps unchanged');
  t.equal(find(job, 'Job', 'k6').length, 1, 'the input is not mutated');
  for (const o of a) t.doesNotThrow(() => validateObject(o), `rendered ${o.kind} ${o.metadata.name} still validates`);
  t.match(toYaml(a), /name: k6-20260815-143005/);

  const tr = renderRun(operator, { mode: 'operator', runId: 'smoke.1', parallelism: 4 });
  const run = one<K8sObject & { spec: { parallelism: number; arguments: string; runner: { env: { name: string; value: string }[] }; initializer: { env: { name: string; value: string }[] } } }>(tr, 'TestRun', 'k6-smoke-1');
  t.equal(run.spec.parallelism, 4);
  t.equal(run.spec.arguments, '--log-format raw --tag testid=smoke.1', 'the run id tag, and raw logs kept');
  t.equal(run.spec.runner.env.find((e) => e.name === 'RUN_ID')?.value, 'smoke.1');
  t.equal(run.spec.initializer.env.find((e) => e.name === 'RUN_ID')?.value, 'smoke.1');

  t.throws(() => renderRun(job, { mode: 'job', runId: 'has space' }), RenderError, 'a run id outside the contract pattern');
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', baseUrl: 'ingress:80' }), /http:\/\//, 'a base URL without scheme');
  t.throws(() => renderRun(operator, { mode: 'operator', runId: 'ok', parallelism: 0 }), /parallelism/);
  t.throws(() => renderRun(job, { mode: 'operator', runId: 'ok' }), /expected one TestRun/);
  const withVus = structuredClone(job);
  onlyContainer(one(withVus, 'Job', 'k6')).env?.push({ name: 'K6_VUS', value: '10' });
  t.throws(() => renderRun(withVus, { mode: 'job', runId: 'ok' }), /K6_VUS/, 'K6_VUS in the manifest is refused');
  const tuned = renderRun(job, { mode: 'job', runId: 'tuned', settings: { RATE: '1500', MAX_VUS: '400' } });
  const tunedEnv = new Map((onlyContainer(one(tuned, 'Job', 'k6-tuned')).env ?? []).map((e) => [e.name, e.value]));
  t.same([tunedEnv.get('RATE'), tunedEnv.get('MAX_VUS')], ['1500', '400'], 'settings become env vars');
  for (const bad of ['K6_DURATION', 'K6_STAGES', 'K6_ITERATIONS', 'K6_VUS']) {
    t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { [bad]: '1' } }), /replace the script's scenarios/, `setting ${bad} is refused`);
  }
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { 'rate-x': '1' } }), /not an environment variable name/);
  t.throws(() => renderRun(job, { mode: 'job', runId: 'ok', settings: { RUN_ID: 'x' } }), /its own option/);
});

t.test('run ids and object names', async (t) => {
  const id = defaultRunId(new Date('2026-08-15T14:30:05.123Z'));
  t.equal(id, '20260815-143005');
  t.match(id, RUN_ID_PATTERN, 'the default run id fits the contract pattern');
  t.equal(runObjectName('Run_2026.08'), 'k6-run-2026-08');
  const long = runObjectName('a'.repeat(64));
  t.ok(long.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(long), 'names are DNS-1123 labels of at most 63 characters');
});

t.test('scripts/k8s-loadtest.sh: valid bash, same default target as the manifests, never K6_VUS', async (t) => {
  const file = path.join(REPO_ROOT, 'scripts', 'k8s-loadtest.sh');
  const syntax = spawnSync('bash', ['-n', file], { encoding: 'utf8' });
  t.equal(syntax.status, 0, `bash -n ${syntax.stderr}`);
  const text = readFileSync(file, 'utf8');
  const jobBaseUrl = (onlyContainer(one(job, 'Job', 'k6')).env ?? []).find((e) => e.name === 'BASE_URL')?.value ?? '';
  t.ok(jobBaseUrl !== '' && text.includes(`BASE_URL="${jobBaseUrl}"`), 'INGRESS=gateway (the default) targets the URL the Job defaults to');
  t.match(text, /^INGRESS="\$\{INGRESS:-gateway\}"$/m, 'the Gateway API is the default ingress');
  t.match(text, /bundle-version/, "checks the Gateway API CRDs' bundle version");
  t.match(text, new RegExp(`GATEWAY_API_VERSION="\\$\\{GATEWAY_API_VERSION:-${gatewayApiVersion.replaceAll('.', '\\.')}\\}"`), `expects ${gatewayApiVersion}, the version tools/crds pins`);
  t.notMatch(text, /K6_VUS=|K6_ITERATIONS=/, 'never sets K6_VUS or K6_ITERATIONS');
  t.match(text, /kubectl apply --server-side/, 'applies server-side (large ConfigMaps exceed the client-side annotation limit)');

});

