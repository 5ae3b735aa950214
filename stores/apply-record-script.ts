/**
 * The Lua script that counts one route-B record into every Redis aggregate at once, and only once per
 * record id (its `seen` marker), and that removes the record's pending marker (contract/stores.ts
 * REDIS_KEYS.pending) in the same step, whether it counts now or found the record counted before: a
 * record is counted and unmarked together, never one without the other. Keys and arguments are named:
 * one list of names makes both the Lua's `local` bindings and the order parseCommand pushes them in, so
 * a key cannot be wired to the wrong slot. Run through node-redis's own script support (EVALSHA, EVAL
 * on NOSCRIPT).
 */
import { defineScript, type CommandParser } from 'redis';

export const SCRIPT_KEYS = [
  'seen',
  'totals',
  'countCurso',
  'countFacultad',
  'countCarrera',
  'countRegion',
  'gradedCurso',
  'notaSumCurso',
  'passedCurso',
  'failedCurso',
  'runs',
  'recent',
  'pending',
] as const;
export const SCRIPT_ARGS = ['ttl', 'curso', 'facultad', 'carrera', 'region', 'nota', 'passed', 'runId', 'maxlen', 'id', 'record'] as const;

export type ScriptKeys = Record<(typeof SCRIPT_KEYS)[number], string>;
/** nota and passed are '' when the record has no nota; passed is '1' or '0' otherwise. */
export type ScriptArgs = Record<(typeof SCRIPT_ARGS)[number], string>;

const bind = (names: readonly string[], from: 'KEYS' | 'ARGV'): string => names.map((n, i) => `local ${n} = ${from}[${i + 1}]`).join('\n');

/** Returns 1 when the record was counted now, 0 when its marker said it had been counted before. */
export const APPLY_RECORD_LUA = `${bind(SCRIPT_KEYS, 'KEYS')}
${bind(SCRIPT_ARGS, 'ARGV')}
redis.call('ZREM', pending, id)
if not redis.call('SET', seen, '1', 'NX', 'EX', ttl) then return 0 end
redis.call('HINCRBY', totals, 'records', 1)
redis.call('HINCRBY', countCurso, curso, 1)
redis.call('HINCRBY', countFacultad, facultad, 1)
redis.call('HINCRBY', countCarrera, carrera, 1)
redis.call('HINCRBY', countRegion, region, 1)
if nota ~= '' then
  redis.call('HINCRBY', totals, 'graded', 1)
  redis.call('HINCRBY', totals, 'nota_sum', nota)
  redis.call('HINCRBY', gradedCurso, curso, 1)
  redis.call('HINCRBY', notaSumCurso, curso, nota)
  if passed == '1' then
    redis.call('HINCRBY', totals, 'passed', 1)
    redis.call('HINCRBY', passedCurso, curso, 1)
  else
    redis.call('HINCRBY', totals, 'failed', 1)
    redis.call('HINCRBY', failedCurso, curso, 1)
  end
end
redis.call('HINCRBY', runs, runId, 1)
redis.call('XADD', recent, 'MAXLEN', '~', maxlen, '*', 'id', id, 'record', record)
return 1
`;

export const applyRecordScript = defineScript({
  SCRIPT: APPLY_RECORD_LUA,
  NUMBER_OF_KEYS: SCRIPT_KEYS.length,
  parseCommand(parser: CommandParser, keys: ScriptKeys, args: ScriptArgs) {
    for (const k of SCRIPT_KEYS) parser.pushKey(keys[k]);
    for (const a of SCRIPT_ARGS) parser.push(args[a]);
  },
  transformReply: (reply: unknown): number => Number(reply),
});
