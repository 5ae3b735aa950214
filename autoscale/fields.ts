/**
 * Reading fields of parsed manifests with errors that say which file, which object and which field,
 * and what the field must be. Anything this reader cannot interpret exactly is an error, never a guess.
 */

export class ManifestError extends Error {
  override name = 'ManifestError';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function record(v: unknown, where: string): Record<string, unknown> {
  if (!isRecord(v)) throw new ManifestError(`${where} must be a mapping, got ${JSON.stringify(v)}`);
  return v;
}

export function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new ManifestError(`${where} must be a list, got ${JSON.stringify(v)}`);
  return v;
}

export function text(v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') throw new ManifestError(`${where} must be a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

export function integer(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ManifestError(`${where} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/**
 * A decimal quantity ("250m", "1", 0.5) in thousandths, rounded up like the controller's
 * resource.Quantity.MilliValue(): CPU in millicores, a tolerance of "0.05" as 50. Parsed from the
 * decimal text so 1.1 is 1100, not 1100.0000000000002. Binary and exponent suffixes are refused.
 */
export function milliValue(v: unknown, where: string): number {
  const s = typeof v === 'number' ? String(v) : v;
  const m = typeof s === 'string' ? /^(\d+)?(?:\.(\d+))?(m?)$/.exec(s) : null;
  if (m === null || (m[1] === undefined && m[2] === undefined)) {
    throw new ManifestError(`${where} must be a quantity such as 250m, 1 or 0.5, got ${JSON.stringify(v)}`);
  }
  const whole = Number(m[1] ?? '0');
  const fraction = m[2] ?? '';
  if (m[3] === 'm') return whole + (/[1-9]/.test(fraction) ? 1 : 0);
  const milli = Number(fraction.slice(0, 3).padEnd(3, '0'));
  return whole * 1000 + milli + (/[1-9]/.test(fraction.slice(3)) ? 1 : 0);
}
