/**
 * The in-cluster load builds the loadtest tests share: k8s/loadtest/{job,operator} built offline from a
 * copy holding stand-in k6 scripts and pool (so the manifests are checked whatever state loadtest/ and
 * data/ are in), and the files the ConfigMap generators read.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { copyToTemp, kustomize, one, REPO_ROOT, type K8sObject } from './kustomize.js';
import type { Mode } from '../loadtest/render.js';

export const NAMESPACE = 'splitbench';
export const K6_IMAGE = /^grafana\/k6:(\d+)\.\d+\.\d+$/;
export const generator = parse(readFileSync(path.join(REPO_ROOT, 'k8s', 'loadtest', 'scripts', 'kustomization.yaml'), 'utf8')) as {
  configMapGenerator: { name: string; files: string[] }[];
};
export const scriptFiles = generator.configMapGenerator.find((g) => g.name === 'k6-scripts')?.files ?? [];
export const contractFiles = generator.configMapGenerator.find((g) => g.name === 'k6-contract')?.files ?? [];
export const dataFiles = generator.configMapGenerator.find((g) => g.name === 'k6-data')?.files ?? [];

/** Builds k8s/loadtest/<mode> from a copy with stand-ins for every file the generators read. */
export function buildWithStandIns(mode: Mode): K8sObject[] {
  const tmp = copyToTemp(['k8s']);
  try {
    for (const rel of generator.configMapGenerator.flatMap((g) => g.files)) {
      const file = path.resolve(tmp.root, 'k8s', 'loadtest', 'scripts', rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, rel.endsWith('.json') ? '[]\n' : `// stand-in for ${path.basename(rel)}\nexport default function () {}\n`);
    }
    return kustomize(path.join(tmp.root, 'k8s', 'loadtest', mode), { loadRestrictorNone: true });
  } finally {
    tmp.remove();
  }
}

export const job = buildWithStandIns('job');
export const operator = buildWithStandIns('operator');

export function configMapKeys(objects: K8sObject[], name: string): string[] {
  return Object.keys((one(objects, 'ConfigMap', name) as { data?: Record<string, string> }).data ?? {}).sort();
}

