/** Where the binaries the stack needs come from: PATH, or the project-local .tools/bin that `npm run tools` fills. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TOOLS_BIN = path.join(REPO_ROOT, '.tools', 'bin');

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Absolute path of `name` from PATH or .tools/bin, else undefined. */
export function findBinary(name: string, preferTools = false): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const ordered = preferTools ? [TOOLS_BIN, ...dirs] : [...dirs, TOOLS_BIN];
  for (const dir of ordered) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Like findBinary, but throws a message that says how to get it. */
export function requireBinary(name: string, howToGet: string): string {
  const found = findBinary(name);
  if (!found) throw new Error(`${name} not found on PATH or in ${TOOLS_BIN}: ${howToGet}`);
  return found;
}
