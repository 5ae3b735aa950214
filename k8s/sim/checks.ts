/**
 * Checks the simulation makes beyond the docs' own steps: every ingress × split variant through a
 * server-side dry run, a second `kubectl apply -k linkerd` that must change nothing, the in-cluster
 * load run's Job completing and its TestRun being stored.
 */
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kustomize, REPO_ROOT } from '../lib/kustomize.js';
import { entryFor, INGRESS_COMPONENTS, type Variant } from '../lib/variants.js';
import { toYaml } from '../loadtest/render.js';
import { kubectl, run, simFolder, warningsOf, type Cluster } from './cluster.js';
import { SIM_NAMESPACE } from './scaffolding.js';

export const SPLITS = [undefined, 'split-90-10', 'split-100-0'] as const;

/** A scratch copy of the repository for the docs' steps (they write k8s/secrets/secrets.env, data/, and flip lines). */
export function scratchRepo(): { root: string; remove: () => void } {
  const root = simFolder('repo-');
  const skip = new Set(['node_modules', '.git', '.tools', '.tap', 'data', 'results', '.stack', 'dist']);
  cpSync(REPO_ROOT, root, {
    recursive: true,
    filter: (src) => !(path.dirname(src) === REPO_ROOT && skip.has(path.basename(src))) && path.basename(src) !== 'secrets.env',
  });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  symlinkSync(path.join(REPO_ROOT, '.tools'), path.join(root, '.tools'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface DryRun { variant: string; status: number; objects: number; output: string; warnings: string[] }

export function dryRunVariants(cluster: Cluster, repo: string): DryRun[] {
  const out: DryRun[] = [];
  for (const ingress of INGRESS_COMPONENTS) {
    for (const split of SPLITS) {
      const variant: Variant = split === undefined ? { ingress } : { ingress, split };
      const entry = path.join(repo, 'linkerd', 'kustomization.yaml');
      const original = readFileSync(entry, 'utf8');
      writeFileSync(entry, entryFor(variant, original).text);
      const objects = kustomize(path.join(repo, 'linkerd'));
      const r = kubectl(cluster, ['apply', '--dry-run=server', '-f', '-'], toYaml(objects));
      out.push({ variant: `${ingress} ${split ?? 'split-50-50'}`, status: r.status, objects: objects.length, output: (r.stdout + r.stderr).trim(), warnings: warningsOf(r) });
      writeFileSync(entry, original);
    }
  }
  return out;
}

export interface ApplyLine { object: string; action: string }

/** `kubectl apply` output lines ("deployment.apps/grpc-client unchanged") as data. */
export function parseApply(stdout: string): ApplyLine[] {
  return stdout.split('\n').filter(Boolean).map((l) => {
    const m = /^(\S+) (\S+(?: \(server dry run\))?)$/.exec(l.trim());
    return m ? { object: m[1] as string, action: m[2] as string } : { object: l.trim(), action: 'unparsed' };
  });
}

export function secondApply(cluster: Cluster, repo: string): { lines: ApplyLine[]; warnings: string[]; status: number } {
  const r = run('kubectl', ['apply', '-k', 'linkerd'], { env: cluster.env, cwd: repo });
  return { lines: parseApply(r.stdout), warnings: warningsOf(r), status: r.status };
}

export interface LoadRun { jobs: { name: string; complete: boolean }[]; testRuns: string[] }

/** The load run the docs started: its Job completes (kwok runs no container), its TestRun is stored. */
export function checkLoadRun(cluster: Cluster): LoadRun {
  const names = (kind: string): string[] => {
    const r = kubectl(cluster, ['get', kind, '-n', SIM_NAMESPACE, '-l', 'app=k6', '-o', 'jsonpath={.items[*].metadata.name}']);
    return r.status === 0 ? r.stdout.split(/\s+/).filter(Boolean) : [];
  };
  const jobs = names('jobs').map((name) => {
    const w = kubectl(cluster, ['wait', '-n', SIM_NAMESPACE, '--for=condition=Complete', `job/${name}`, '--timeout=180s']);
    return { name, complete: w.status === 0 };
  });
  return { jobs, testRuns: names('testruns') };
}
