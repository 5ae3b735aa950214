/**
 * The data pool: the generator's records, read once at init and pre-serialised, so a VU sends a string
 * and never runs JSON.stringify per request. Takes k6's `open` as an argument so it stays pure.
 */
import { SettingError } from './profiles.ts';

export function parsePool(path: string, read: (path: string) => string): string[] {
  let raw: string;
  try {
    raw = read(path);
  } catch (err) {
    throw new SettingError(
      `DATA: cannot read ${path} (a relative path is resolved from loadtest/): ${String(err)}. ` +
        'Generate a pool first: npm run gen -- --count 2000 --seed 42 --out data/pool.json',
    );
  }
  const body = raw.trim();
  let records: unknown[];
  try {
    // The generator writes a JSON array for *.json and NDJSON otherwise; take either.
    records = body.startsWith('[') ? (JSON.parse(body) as unknown[]) : body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
  } catch (err) {
    throw new SettingError(`DATA: ${path} is neither a JSON array nor NDJSON: ${String(err)}`);
  }
  if (records.length === 0) throw new SettingError(`DATA: ${path} holds no records`);
  return records.map((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new SettingError(`DATA: record ${i} of ${path} is not a JSON object`);
    }
    return JSON.stringify(record);
  });
}
