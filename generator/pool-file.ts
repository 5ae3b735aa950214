/**
 * The data pool a run draws its records from: data/pool-<seed>-<count>.json, generated once per seed
 * and size by the generator's own CLI and reused (byte-identical for a seed). The demo and the
 * capacity search share it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../stack/tools.js';

/** The pool's file, generated first when missing; `say` tells the person what is happening. */
export function ensurePool(seed: number, count: number, say: (m: string) => void): string {
  const file = path.join(REPO_ROOT, 'data', `pool-${seed}-${count}.json`);
  if (!existsSync(file)) {
    say(`generating ${count} records (seed ${seed}) into ${path.relative(REPO_ROOT, file)}`);
    execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'generator/main.ts'), '--count', String(count), '--seed', String(seed), '--out', file, '--quiet'], { stdio: 'inherit', cwd: REPO_ROOT });
  }
  return file;
}
