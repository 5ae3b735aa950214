// The UTF-8 check against Node's own decoder: every input it finds valid, TextDecoder (fatal) decodes,
// and every one it refuses, TextDecoder refuses too; the offset names the first bad byte.
import t from 'tap';
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { firstInvalidUtf8 } from './utf8.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

t.test('known cases', async (t) => {
  t.equal(firstInvalidUtf8(new TextEncoder().encode('{"nombre":"Peña 😀"}')), -1, 'valid multi-byte text');
  t.equal(firstInvalidUtf8(bytes(0x41, 0xff, 0xfe)), 1, 'FF is never UTF-8');
  t.equal(firstInvalidUtf8(bytes(0xc0, 0xaf)), 0, 'overlong "/"');
  t.equal(firstInvalidUtf8(bytes(0xed, 0xa0, 0x80)), 0, 'a surrogate');
  t.equal(firstInvalidUtf8(bytes(0xf4, 0x90, 0x80, 0x80)), 0, 'past U+10FFFF');
  t.equal(firstInvalidUtf8(bytes(0x41, 0xe2, 0x82)), 1, 'cut short at the end');
  t.equal(firstInvalidUtf8(bytes(0x80)), 0, 'a stray continuation byte');
});

t.test("agrees with Node's decoder on arbitrary bytes", async (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const k = firstInvalidUtf8(b);
      // Refused exactly when Node refuses it, and everything before the offset is valid.
      return (k === -1) === isUtf8(b) && (k === -1 || isUtf8(b.subarray(0, k)));
    }),
    { numRuns: 20_000 },
  );
  fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => firstInvalidUtf8(new TextEncoder().encode(s)) === -1), { numRuns: 5_000 });
  t.pass('20,000 random byte strings and 5,000 encoded strings agree');
});
