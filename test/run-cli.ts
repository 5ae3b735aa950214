/**
 * Tests run our CLIs (and k6) as a person does, as child processes, and read what they printed: one
 * way to do it for every test. Not a test file itself (tap runs *.test.ts only).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../stack/tools.js';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came, interleaved: what a person at the terminal saw. */
  output: string;
}

/** Runs a command from the repository root to its end. */
export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const r: CommandResult = { code: null, stdout: '', stderr: '', output: '' };
    child.stdout.on('data', (d: Buffer) => ((r.stdout += d.toString()), (r.output += d.toString())));
    child.stderr.on('data', (d: Buffer) => ((r.stderr += d.toString()), (r.output += d.toString())));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ...r, code }));
  });
}

/** Runs one of our TypeScript entry points (`demo/main.ts`, a path from the repository root) with Node and tsx. */
export function runTsx(entry: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<CommandResult> {
  return runCommand(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry), ...args], env);
}
