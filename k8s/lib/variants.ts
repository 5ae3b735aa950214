/**
 * The entry point (linkerd/kustomization.yaml) switches ingress and split by commenting lines. These
 * helpers make each variant the way a person would, by flipping those lines in a temporary copy, so
 * the tests prove that each switch is one line and builds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyToTemp, kustomize, REPO_ROOT, type K8sObject } from './kustomize.js';

export const ENTRY_FILE = path.join(REPO_ROOT, 'linkerd', 'kustomization.yaml');
export const INGRESS_COMPONENTS = ['ingress-nginx', 'gateway-api'] as const;
export type IngressComponent = (typeof INGRESS_COMPONENTS)[number];

export interface Variant {
  ingress: IngressComponent;
  /** A folder under linkerd/components, e.g. split-90-10; undefined keeps the route's own weights. */
  split?: string;
}

const INGRESS_LINE = /^(\s*)(#\s*)?- \.\.\/k8s\/components\/([a-z0-9-]+)\s*$/;
const SPLIT_LINE = /^(\s*)(#\s*)?- components\/(split-[a-z0-9-]+)\s*$/;

/** The entry file's text for a variant, plus how many lines differ from the committed file. */
export function entryFor(variant: Variant, text: string = readFileSync(ENTRY_FILE, 'utf8')): { text: string; changedLines: number } {
  let changed = 0;
  const seen = { ingress: false, split: variant.split === undefined };
  const lines = text.split('\n').map((line) => {
    const set = (indent: string, on: boolean, rest: string): string => {
      const next = `${indent}${on ? '' : '# '}- ${rest}`;
      if (next !== line) changed += 1;
      return next;
    };
    const ingress = INGRESS_LINE.exec(line);
    if (ingress) {
      const on = ingress[3] === variant.ingress;
      if (on) seen.ingress = true;
      return set(ingress[1] ?? '', on, `../k8s/components/${ingress[3]}`);
    }
    const split = SPLIT_LINE.exec(line);
    if (split) {
      const on = split[3] === variant.split;
      if (on) seen.split = true;
      return set(split[1] ?? '', on, `components/${split[3]}`);
    }
    return line;
  });
  if (!seen.ingress) throw new Error(`${ENTRY_FILE} has no line for ../k8s/components/${variant.ingress}`);
  if (!seen.split) throw new Error(`${ENTRY_FILE} has no line for components/${variant.split}`);
  return { text: lines.join('\n'), changedLines: changed };
}

/** Builds a variant of the entry point from a temporary copy of k8s/ and linkerd/. */
export function buildVariant(variant: Variant): K8sObject[] {
  const tmp = copyToTemp(['k8s', 'linkerd']);
  try {
    writeFileSync(path.join(tmp.root, 'linkerd', 'kustomization.yaml'), entryFor(variant).text);
    return kustomize(path.join(tmp.root, 'linkerd'));
  } finally {
    tmp.remove();
  }
}
