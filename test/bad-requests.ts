/** The table of bad requests both REST services must refuse with a clear 4xx and store nothing. */
import { gzipSync } from 'node:zlib';
import { BODY_LIMIT_BYTES } from '../contract/http.js';
import { SEED_EXAMPLE, FULL_RECORD } from './cluster.js';

export interface BadRequest {
  name: string;
  body: string | Uint8Array;
  headers?: Record<string, string>;
  method?: string;
  path?: string;
  status: number;
  error: string;
  /** A field the 400's `fields` list must name. */
  field?: string;
}

const JSON_CT = { 'content-type': 'application/json' };
const json = (v: unknown): string => JSON.stringify(v);
const withField = (extra: Record<string, unknown>): string => json({ ...SEED_EXAMPLE, ...extra });
const without = (field: keyof typeof SEED_EXAMPLE): string => {
  const copy: Record<string, unknown> = { ...SEED_EXAMPLE };
  delete copy[field];
  return json(copy);
};

/** The seed example with these raw bytes inside the curso string. */
function utf8Broken(bytes: number[]): Uint8Array {
  const [head, tail] = json(SEED_EXAMPLE).split('"ANP"') as [string, string];
  return new Uint8Array([...new TextEncoder().encode(`${head}"AN`), ...bytes, ...new TextEncoder().encode(`P"${tail}`)]);
}

export const BAD_REQUESTS: BadRequest[] = [
  { name: 'truncated JSON', body: '{"curso":', status: 400, error: 'malformed_json' },
  { name: 'single brace', body: '{', status: 400, error: 'malformed_json' },
  { name: 'trailing comma', body: '{"curso":"SO1",}', status: 400, error: 'malformed_json' },
  { name: 'single quotes', body: "{'curso':'SO1'}", status: 400, error: 'malformed_json' },
  { name: 'not JSON at all', body: 'hello', status: 400, error: 'malformed_json' },
  // RFC 8259: JSON is UTF-8. FF FE inside a string was silently decoded to U+FFFD and stored.
  { name: 'invalid UTF-8 inside a string', body: utf8Broken([0xff, 0xfe]), status: 400, error: 'malformed_json' },
  { name: 'overlong UTF-8 encoding', body: utf8Broken([0xc0, 0xaf]), status: 400, error: 'malformed_json' },
  { name: 'UTF-16 surrogate encoded as UTF-8', body: utf8Broken([0xed, 0xa0, 0x80]), status: 400, error: 'malformed_json' },
  { name: 'truncated UTF-8 sequence', body: utf8Broken([0xe2, 0x82]), status: 400, error: 'malformed_json' },
  { name: 'empty body', body: '', status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'JSON array', body: json([SEED_EXAMPLE]), status: 400, error: 'invalid_record', field: '(body)' },
  { name: 'JSON string', body: '"SO1"', status: 400, error: 'invalid_record', field: '(body)' },
  { name: 'JSON null', body: 'null', status: 400, error: 'invalid_record', field: '(body)' },
  { name: 'JSON number', body: '42', status: 400, error: 'invalid_record', field: '(body)' },
  { name: 'missing curso', body: without('curso'), status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'missing region', body: without('region'), status: 400, error: 'invalid_record', field: 'region' },
  { name: 'empty object', body: '{}', status: 400, error: 'invalid_record', field: 'facultad' },
  { name: 'curso is a number', body: withField({ curso: 7 }), status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'curso is empty', body: withField({ curso: '   ' }), status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'curso too long', body: withField({ curso: 'x'.repeat(101) }), status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'curso has a control character', body: withField({ curso: 'SO\u00001' }), status: 400, error: 'invalid_record', field: 'curso' },
  { name: 'region is an object', body: withField({ region: { $ne: null } }), status: 400, error: 'invalid_record', field: 'region' },
  { name: 'facultad is null', body: withField({ facultad: null }), status: 400, error: 'invalid_record', field: 'facultad' },
  { name: 'nota as a string', body: withField({ nota: '90' }), status: 400, error: 'invalid_record', field: 'nota' },
  { name: 'nota above 100', body: withField({ nota: 101 }), status: 400, error: 'invalid_record', field: 'nota' },
  { name: 'nota below 0', body: withField({ nota: -1 }), status: 400, error: 'invalid_record', field: 'nota' },
  { name: 'nota not an integer', body: withField({ nota: 50.5 }), status: 400, error: 'invalid_record', field: 'nota' },
  { name: 'nota huge', body: '{"curso":"SO1","facultad":"F","carrera":"C","region":"R","nota":1e400}', status: 400, error: 'invalid_record', field: 'nota' },
  { name: 'semestre unknown', body: withField({ semestre: '3S' }), status: 400, error: 'invalid_record', field: 'semestre' },
  { name: 'year as words', body: withField({ year: 'dos mil' }), status: 400, error: 'invalid_record', field: 'year' },
  { name: 'year far future', body: withField({ year: 3000 }), status: 400, error: 'invalid_record', field: 'year' },
  { name: 'carnet with letters', body: withField({ carnet: '2019abc' }), status: 400, error: 'invalid_record', field: 'carnet' },
  { name: 'carnet too long', body: withField({ carnet: '1234567890123' }), status: 400, error: 'invalid_record', field: 'carnet' },
  { name: 'carnet negative number', body: withField({ carnet: -5 }), status: 400, error: 'invalid_record', field: 'carnet' },
  { name: 'nombre too long', body: withField({ nombre: 'n'.repeat(121) }), status: 400, error: 'invalid_record', field: 'nombre' },
  { name: 'unknown field', body: withField({ grade: 'A' }), status: 400, error: 'invalid_record', field: 'grade' },
  { name: '$-prefixed key', body: withField({ $where: 'sleep(1000)' }), status: 400, error: 'invalid_record', field: '$where' },
  { name: 'dotted key', body: withField({ 'region.name': 'x' }), status: 400, error: 'invalid_record', field: 'region.name' },
  { name: '__proto__ key', body: '{"curso":"SO1","facultad":"F","carrera":"C","region":"R","__proto__":{"admin":true}}', status: 400, error: 'invalid_record', field: '__proto__' },
  { name: 'deeply nested value', body: withField({ nombre: JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown }), status: 400, error: 'invalid_record', field: 'nombre' },
  { name: 'body just over the limit', body: withField({ nombre: 'x'.repeat(BODY_LIMIT_BYTES) }), status: 413, error: 'payload_too_large' },
  { name: 'one megabyte body', body: withField({ nombre: 'x'.repeat(1024 * 1024) }), status: 413, error: 'payload_too_large' },
  { name: 'text/plain content type', body: json(SEED_EXAMPLE), headers: { 'content-type': 'text/plain' }, status: 415, error: 'unsupported_media_type' },
  { name: 'form content type', body: 'curso=SO1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, error: 'unsupported_media_type' },
  { name: 'no content type', body: new TextEncoder().encode(json(SEED_EXAMPLE)), headers: {}, status: 415, error: 'unsupported_media_type' },
  { name: 'unsupported charset', body: json(SEED_EXAMPLE), headers: { 'content-type': 'application/json; charset=latin1' }, status: 415, error: 'unsupported_media_type' },
  { name: 'unsupported content encoding', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'content-encoding': 'compress' }, status: 415, error: 'unsupported_media_type' },
  { name: 'corrupt gzip body', body: new Uint8Array([0x1f, 0x8b, 1, 2, 3, 4]), headers: { ...JSON_CT, 'content-encoding': 'gzip' }, status: 400, error: 'bad_request' },
  { name: 'gzip bomb over the limit', body: new Uint8Array(gzipSync(withField({ nombre: ' '.repeat(2 * 1024 * 1024) }))), headers: { ...JSON_CT, 'content-encoding': 'gzip' }, status: 413, error: 'payload_too_large' },
  { name: 'Idempotency-Key too long', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'idempotency-key': 'k'.repeat(200) }, status: 400, error: 'invalid_record', field: 'Idempotency-Key' },
  { name: 'Idempotency-Key with spaces', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'idempotency-key': 'a b' }, status: 400, error: 'invalid_record', field: 'Idempotency-Key' },
  { name: 'Idempotency-Key with a $', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'idempotency-key': '$set' }, status: 400, error: 'invalid_record', field: 'Idempotency-Key' },
  { name: 'X-Run-Id with a slash', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'x-run-id': 'run/1' }, status: 400, error: 'invalid_record', field: 'X-Run-Id' },
  { name: 'X-Run-Id absurdly long', body: json(SEED_EXAMPLE), headers: { ...JSON_CT, 'x-run-id': 'r'.repeat(4000) }, status: 400, error: 'invalid_record', field: 'X-Run-Id' },
  { name: 'GET /course', body: '', method: 'GET', status: 405, error: 'method_not_allowed' },
  { name: 'PUT /course', body: json(FULL_RECORD), headers: JSON_CT, method: 'PUT', status: 405, error: 'method_not_allowed' },
  { name: 'DELETE /course', body: '', method: 'DELETE', status: 405, error: 'method_not_allowed' },
  { name: 'POST to an unknown path', body: json(FULL_RECORD), headers: JSON_CT, path: '/courses', status: 404, error: 'not_found' },
  { name: 'POST /healthz', body: '{}', headers: JSON_CT, path: '/healthz', status: 405, error: 'method_not_allowed' },
];
