/**
 * Passwords never leave the process in text: pod logs, error answers and run files are read by many
 * people. Two layers, because neither alone is enough:
 * - the user-info of any URL-shaped text (`scheme://user:password@host`) is masked wherever it appears,
 *   including in values that are not valid URLs (a config error echoes exactly those) and in driver
 *   errors that echo a connection string;
 * - the passwords of the URLs a process was configured with are remembered (rememberUrlSecrets) and
 *   masked wherever they appear on their own.
 * Every log line (service-kit/logger.ts), error answer (service-kit/rest-app.ts, grpc-server), config
 * error and run file that may hold a store URL goes through redactText.
 */

export const MASK = '***';

const secrets = new Set<string>();

/** `scheme://` then user-info up to the last `@` before the host; the password part is masked. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`]*?)(:[^\s/?#"'`]*)?@/gi;

/** Remembers the password of a configured URL (if it has one), so it is masked on its own too. */
export function rememberUrlSecrets(value: string): void {
  const m = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(value.trim());
  if (!m) return;
  const userinfo = m[1]!;
  const colon = userinfo.indexOf(':');
  const password = colon >= 0 ? userinfo.slice(colon + 1) : '';
  // Short strings would mask ordinary words; a password of 1-3 characters is still masked in URLs.
  for (const s of [password, safeDecode(password)]) if (s.length >= 4) secrets.add(s);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The text with every URL password and every remembered secret replaced by ***. */
export function redactText(text: string): string {
  let out = text.replace(USERINFO, (_all, scheme: string, user: string, password: string | undefined) => `${scheme}${user}${password === undefined ? '' : `:${MASK}`}@`);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(MASK);
  return out;
}

/** A URL as it may be shown: its password masked. */
export const redactUrl = (url: string): string => redactText(url);

/** A JSON-able value with every string in it redacted (for run files written as JSON). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  }
  return value;
}

/** For tests: forget what rememberUrlSecrets learnt. */
export function forgetSecrets(): void {
  secrets.clear();
}
