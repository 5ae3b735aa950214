/** What a result depends on, recorded with it: versions, machine, git commit. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { findBinary, REPO_ROOT } from '../stack/tools.js';

function run(cmd: string | undefined, args: string[]): string | undefined {
  if (!cmd) return undefined;
  try {
    return execFileSync(cmd, args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

export interface Environment {
  gitSha: string | undefined;
  gitDirty: boolean | undefined;
  node: string;
  k6: string | undefined;
  redis: string | undefined;
  mongo: string;
  os: string;
  cpus: number;
  cpuModel: string | undefined;
  memoryGiB: number;
}

export function collectEnvironment(mongoKind: string): Environment {
  const status = run('git', ['status', '--porcelain']);
  return {
    gitSha: run('git', ['rev-parse', 'HEAD']),
    gitDirty: status === undefined ? undefined : status.length > 0,
    node: process.version,
    k6: /v\d+\.\d+\.\d+.*/.exec(run(findBinary('k6'), ['version']) ?? '')?.[0],
    redis: run(findBinary('redis-server'), ['--version']),
    mongo: mongoKind,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}
