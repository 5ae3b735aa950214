/** A baseline or the ingress as a process of the bench: started with tsx, ready when it prints its port. */
import path from 'node:path';
import { startProcess, waitForOutput, type ManagedProcess } from '../stack/process.js';
import { REPO_ROOT } from '../stack/tools.js';

export async function startScript(name: string, file: string, args: string[] = []): Promise<{ proc: ManagedProcess; port: number }> {
  const proc = startProcess({ name, command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, file), ...args], cwd: REPO_ROOT });
  const port = Number((await waitForOutput(proc, /"msg":"listening".*?"port":(\d+)/, 30_000))[1]);
  return { proc, port };
}
