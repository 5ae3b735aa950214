/**
 * Builds kustomizations with the real `kubectl kustomize` (offline) and parses the output, so the tests
 * check exactly what `kubectl apply -k` would send.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: unknown;
}

/** Parses multi-document YAML into objects; every document must be a Kubernetes object. */
export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${i}: ${doc.errors[0]?.message}`);
    const obj: unknown = doc.toJS();
    if (obj === null || obj === undefined) return [];
    const o = obj as Partial<K8sObject>;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
      throw new Error(`${source} document ${i} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    }
    return [o as K8sObject];
  });
}

export interface BuildOptions {
  /** `--load-restrictor LoadRestrictionsNone`: needed where a generator reads files outside the folder (k8s/loadtest). */
  loadRestrictorNone?: boolean;
}

/**
 * The kubectl that builds: the one scripts/install-k8s-tools.sh builds (v1.36.3, the version the
 * simulated cluster runs) when present, else kubectl from PATH.
 */
export function kubectlBinary(): string {
  const ours = path.join(REPO_ROOT, '.tools', 'k8s', 'bin', 'kubectl');
  return existsSync(ours) ? ours : 'kubectl';
}

/** `kubectl kustomize <dir>`; throws with kubectl's message when the build fails. */
export function kustomize(dir: string, options: BuildOptions = {}): K8sObject[] {
  const args = ['kustomize', dir];
  if (options.loadRestrictorNone) args.push('--load-restrictor', 'LoadRestrictionsNone');
  let out: string;
  try {
    out = execFileSync(kubectlBinary(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`, { cause: err });
  }
  return parseObjects(out, `kubectl kustomize ${dir}`);
}

/**
 * Copies repository folders into a fresh temporary root (same relative layout), for builds that need a
 * file the repository must not hold (secrets.env) or an edited entry kustomization. Call `remove()` after.
 */
export function copyToTemp(folders: string[]): { root: string; remove: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'splitbench-k8s-'));
  for (const folder of folders) cpSync(path.join(REPO_ROOT, folder), path.join(root, folder), { recursive: true });
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
}

/** Exactly one object of this kind and name, else a clear error. */
export function one<T = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = find(objects, kind, name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0] as T;
}
