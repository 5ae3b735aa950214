/**
 * Renders one in-cluster k6 run: builds k8s/loadtest/{job,operator} with kubectl kustomize and gives
 * the Job (or TestRun) its own name and run id, so runs never collide and each run's records can be
 * reconciled on their own. Prints YAML for `kubectl apply --server-side -f -`
 * (scripts/k8s-loadtest.sh is the one-command wrapper).
 *
 *   npx tsx k8s/loadtest/render.ts [--mode job|operator] [--run-id ID] [--base-url URL]
 *                                  [--scenario NAME] [--parallelism N] [--set NAME=VALUE]...
 *   npx tsx k8s/loadtest/render.ts --run-id ID --print-name     # just the Job/TestRun name
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { RUN_ID_PATTERN } from '../../contract/http.js';
import { SCENARIO_OVERRIDES } from '../../contract/load-profiles.js';
import { kustomize, REPO_ROOT, type K8sObject } from '../lib/kustomize.js';

export const MODES = ['job', 'operator'] as const;
export type Mode = (typeof MODES)[number];

export interface RunOptions {
  mode: Mode;
  runId: string;
  baseUrl?: string;
  scenario?: string;
  /** TestRun only: number of k6 runner pods. */
  parallelism?: number;
  /** More settings for the script (e.g. RATE, DURATION, MAX_VUS: loadtest/README.md). */
  settings?: Record<string, string>;
}

const SETTING_NAME = /^[A-Z][A-Z0-9_]*$/;

export class RenderError extends Error {
  override name = 'RenderError';
}

/** A sortable UTC timestamp run id, e.g. 20260815-143005. */
export function defaultRunId(now: Date = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Kubernetes object name for a run: lower case, dots and underscores as dashes, at most 63 characters. */
export function runObjectName(runId: string): string {
  return `k6-${runId.toLowerCase().replace(/[._]/g, '-')}`.slice(0, 63).replace(/-+$/, '');
}

type EnvVar = { name: string; value?: string };

function setEnv(env: EnvVar[], name: string, value: string | undefined): void {
  if (value === undefined) return;
  const existing = env.find((e) => e.name === name);
  if (existing) existing.value = value;
  else env.push({ name, value });
}

function applyEnv(env: unknown, options: RunOptions, where: string): void {
  if (!Array.isArray(env)) throw new RenderError(`${where}: env must be a list`);
  const list = env as EnvVar[];
  for (const [name, value] of Object.entries(options.settings ?? {})) setEnv(list, name, value);
  const override = list.find((e) => (SCENARIO_OVERRIDES as readonly string[]).includes(e.name));
  if (override) throw new RenderError(`${where}: ${override.name} would replace the script's scenarios; use RATE, DURATION, MAX_VUS instead`);
  setEnv(list, 'RUN_ID', options.runId);
  setEnv(list, 'BASE_URL', options.baseUrl);
  setEnv(list, 'SCENARIO', options.scenario);
}

function labelRun(obj: K8sObject, runId: string): void {
  obj.metadata.labels = { ...obj.metadata.labels, 'splitbench.io/run-id': runId };
}

/** Gives the run's Job or TestRun its name, labels and env; ConfigMaps pass through unchanged. */
export function renderRun(objects: K8sObject[], options: RunOptions): K8sObject[] {
  if (!RUN_ID_PATTERN.test(options.runId)) {
    throw new RenderError(`run id ${JSON.stringify(options.runId)} must match ${String(RUN_ID_PATTERN)} (contract/http.ts)`);
  }
  if (options.baseUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(options.baseUrl)) {
    throw new RenderError(`base URL ${JSON.stringify(options.baseUrl)} must start with http:// or https://`);
  }
  for (const name of Object.keys(options.settings ?? {})) {
    if (!SETTING_NAME.test(name)) throw new RenderError(`setting ${JSON.stringify(name)} is not an environment variable name (A-Z, 0-9, _)`);
    if (['RUN_ID', 'BASE_URL', 'SCENARIO'].includes(name)) throw new RenderError(`set ${name} with its own option, not as a setting`);
  }
  const out = structuredClone(objects);
  const kind = options.mode === 'job' ? 'Job' : 'TestRun';
  const runs = out.filter((o) => o.kind === kind);
  if (runs.length !== 1) throw new RenderError(`expected one ${kind} in k8s/loadtest/${options.mode}, found ${runs.length}`);
  const run = runs[0] as K8sObject;
  run.metadata.name = runObjectName(options.runId);
  labelRun(run, options.runId);

  if (kind === 'Job') {
    const template = (run.spec as { template: { metadata?: { labels?: Record<string, string> }; spec: { containers: { name: string; env?: unknown }[] } } }).template;
    template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, 'splitbench.io/run-id': options.runId } };
    for (const c of template.spec.containers) applyEnv(c.env ?? (c.env = []), options, `Job container ${c.name}`);
  } else {
    const spec = run.spec as Record<string, unknown> & { runner: { env?: unknown; metadata?: { labels?: Record<string, string> } }; initializer?: { env?: unknown } };
    if (options.parallelism !== undefined) {
      if (!Number.isInteger(options.parallelism) || options.parallelism < 1) throw new RenderError(`parallelism must be a positive integer, got ${options.parallelism}`);
      spec.parallelism = options.parallelism;
    }
    spec.runner.metadata = { ...spec.runner.metadata, labels: { ...spec.runner.metadata?.labels, 'splitbench.io/run-id': options.runId } };
    // YAML anchors in testrun.yaml may share one env list between initializer and runner; give each its own.
    spec.runner.env = structuredClone(spec.runner.env ?? []);
    applyEnv(spec.runner.env, options, 'TestRun runner');
    if (spec.initializer) {
      spec.initializer.env = structuredClone(spec.initializer.env ?? []);
      applyEnv(spec.initializer.env, options, 'TestRun initializer');
    }
    // Tags every sample with the run id (e.g. in Prometheus remote-write output); raw logs as in the Job.
    spec.arguments = `--log-format raw --tag testid=${options.runId}`;
  }
  return out;
}

/** Builds k8s/loadtest/<mode> (its generators read loadtest/ and data/ outside the folder). */
export function buildRun(options: RunOptions): K8sObject[] {
  const dir = path.join(REPO_ROOT, 'k8s', 'loadtest', options.mode);
  return renderRun(kustomize(dir, { loadRestrictorNone: true }), options);
}

export function toYaml(objects: K8sObject[]): string {
  // YAML 1.1, as kubectl reads it: strings such as "yes" (redis's --appendonly) stay quoted strings.
  return objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' })).join('---\n');
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      mode: { type: 'string', default: 'job' },
      'run-id': { type: 'string' },
      'base-url': { type: 'string' },
      scenario: { type: 'string' },
      parallelism: { type: 'string' },
      set: { type: 'string', multiple: true },
      'print-name': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const mode = values.mode as Mode;
  if (!MODES.includes(mode)) throw new RenderError(`--mode must be one of ${MODES.join(', ')}, got ${values.mode}`);
  const options: RunOptions = { mode, runId: values['run-id'] ?? defaultRunId() };
  if (values['print-name']) {
    process.stdout.write(`${runObjectName(options.runId)}\n`);
    return;
  }
  if (values['base-url'] !== undefined) options.baseUrl = values['base-url'];
  if (values.scenario !== undefined) options.scenario = values.scenario;
  if (values.parallelism !== undefined) options.parallelism = Number(values.parallelism);
  if (values.set !== undefined) {
    options.settings = {};
    for (const pair of values.set) {
      const eq = pair.indexOf('=');
      if (eq < 1) throw new RenderError(`--set expects NAME=VALUE, got ${JSON.stringify(pair)}`);
      options.settings[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  process.stdout.write(toYaml(buildRun(options)));
}

// Run as a command, not when imported, and not when `npx tap k8s` runs every file of the folder
// (tap sets TAP_CHILD_ID in its children; rendering without the k6 scripts there would only fail).
const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (invokedDirectly && process.env.TAP_CHILD_ID === undefined) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`render: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
