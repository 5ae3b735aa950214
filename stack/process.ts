/**
 * Child processes the tests and the local stack start: spawned with their output in a log file,
 * waited on until ready, and stopped with SIGTERM (then SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  logFile: string | undefined;
  /** Output so far (last 64 KiB), for error messages. */
  output(): string;
  /** Resolves with the exit code (or signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr go; in memory only when absent. */
  logFile?: string;
}

const KEEP = 64 * 1024;

// Children still running when this process exits (a test that failed before its teardown, an
// uncaught error) are killed rather than left behind holding ports.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('close', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

export function startProcess(opts: StartOptions): ManagedProcess {
  const child = spawn(opts.command, opts.args, {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let buffer = '';
  const log: WriteStream | undefined = opts.logFile ? createWriteStream(opts.logFile, { flags: 'a' }) : undefined;
  const onData = (chunk: Buffer): void => {
    buffer = (buffer + chunk.toString('utf8')).slice(-KEEP);
    log?.write(chunk);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {}); // observed through `exited`

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (err) => {
      buffer += `\n[spawn error] ${err.message}`;
      resolve({ code: -1, signal: null });
    });
    child.once('close', (code, signal) => {
      log?.end();
      resolve({ code, signal });
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
        await exited;
        return;
      }
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    })();
    return stopping;
  };

  return { name: opts.name, child, logFile: opts.logFile, output: () => buffer, exited, stop };
}

/** Waits `ms`, or less when `signal` aborts (a supervisor or a fault plan told to stop). Never rejects. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(Math.max(0, ms), undefined, { signal }).catch((err: unknown) => {
    if ((err as Error).name !== 'AbortError') throw err;
  });
}

/** Waits until `ready()` resolves true, polling; fails early when the process exits, or at the timeout. */
export async function waitUntil(
  proc: ManagedProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`${proc.name} exited before ${what}${proc.logFile ? ` (log: ${proc.logFile})` : ''}:\n${proc.output().slice(-2000)}`);
    }
    if (await ready().catch(() => false)) return;
    await pause(100);
  }
  await proc.stop(1000);
  throw new Error(`${proc.name} was not ${what} after ${timeoutMs} ms${proc.logFile ? ` (log: ${proc.logFile})` : ''}:\n${proc.output().slice(-2000)}`);
}

/** Waits for a line of output matching `pattern` and returns the match. */
export async function waitForOutput(proc: ManagedProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  let match: RegExpMatchArray | null = null;
  await waitUntil(proc, async () => (match = proc.output().match(pattern)) !== null, timeoutMs, `printing ${pattern}`);
  return match!;
}

export { once };
