/**
 * Structured JSON logs, one object per line on stdout: what log collectors in Kubernetes expect.
 * Every line has its URL passwords masked (secrets.ts): drivers echo connection strings in errors.
 */
import { redactText } from './secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const LOG_LEVELS = Object.keys(ORDER) as LogLevel[];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** An info line written whatever the level: for the few lines tools depend on (e.g. "listening"). */
  always(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(
  base: Record<string, unknown>,
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const min = ORDER[level];
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>, force = false): void => {
    if (!force && ORDER[lvl] < min) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, ...base, msg, ...fields };
    if (entry.err instanceof Error) entry.err = { name: entry.err.name, message: entry.err.message };
    write(redactText(JSON.stringify(entry)) + '\n');
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    always: (m, f) => emit('info', m, f, true),
  };
}
