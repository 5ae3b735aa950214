/**
 * Readers for the run files whose producers come later (faults.json, replicas.json, cost.json): each
 * checks only the fields its section draws and says which one is wrong. Times may be ISO 8601 or epoch
 * ms. The shapes are documented beside each section; the producers follow them.
 */
export class InputError extends Error {
  override name = 'InputError';
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function reader(source: string) {
  const bad = (where: string, want: string, v: unknown): never => {
    throw new InputError(`${source}: ${where} must be ${want}, got ${JSON.stringify(v)}`);
  };
  return {
    obj: (v: unknown, where: string): Obj => (isObj(v) ? v : bad(where, 'an object', v)),
    arr: (v: unknown, where: string): unknown[] => (Array.isArray(v) ? v : bad(where, 'an array', v)),
    str: (v: unknown, where: string): string => (typeof v === 'string' ? v : bad(where, 'a string', v)),
    num: (v: unknown, where: string): number => (typeof v === 'number' && Number.isFinite(v) ? v : bad(where, 'a number', v)),
    numOrNull: (v: unknown, where: string): number | null => (v === null || v === undefined ? null : typeof v === 'number' && Number.isFinite(v) ? v : bad(where, 'a number or null', v)),
    /** ISO 8601 or epoch ms -> epoch ms. */
    time: (v: unknown, where: string): number => {
      const ms = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : NaN;
      return Number.isFinite(ms) ? ms : bad(where, 'a time (ISO 8601 or epoch ms)', v);
    },
    schema: (o: Obj, want: string): void => {
      if (o.schema !== want) bad('schema', JSON.stringify(want), o.schema);
    },
  };
}
