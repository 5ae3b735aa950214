/**
 * The steps of docs/kubernetes.md that the simulated cluster runs verbatim: every fenced block whose
 * info string is `sh sim=<name>`. Blocks without it (installing Linkerd, Envoy Gateway, images) need
 * what the simulation does not have; k8s/sim/README.md says what stands in for them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../lib/kustomize.js';

export const DOCS_FILE = path.join(REPO_ROOT, 'docs', 'kubernetes.md');

export interface DocBlock {
  name: string;
  script: string;
  /** 1-based line of the block's first command in docs/kubernetes.md. */
  line: number;
}

export function simBlocks(text: string = readFileSync(DOCS_FILE, 'utf8')): DocBlock[] {
  const blocks: DocBlock[] = [];
  const fence = /^```sh sim=([a-z0-9-]+)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(fence)) {
    const line = text.slice(0, m.index).split('\n').length + 1;
    blocks.push({ name: m[1] as string, script: m[2] as string, line });
  }
  const names = blocks.map((b) => b.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`docs/kubernetes.md has two blocks named sim=${dup}`);
  return blocks;
}
