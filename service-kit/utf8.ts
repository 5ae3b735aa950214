/**
 * RFC 8259 §8.1: JSON exchanged between systems is UTF-8. Node decodes invalid bytes to U+FFFD without
 * a word, so a body with FF FE inside a string would be stored as if valid. This finds the first
 * invalid byte (Node's buffer.isUtf8 says yes or no; the offset is what tells a client what to fix).
 */

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence; -1 when valid. */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i; // C0, C1 (overlong starts), F5..FF, or a stray continuation byte
    }
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** Thrown from express.json's verify hook; rest-app.ts answers 400 with this message. */
export class InvalidUtf8Error extends Error {
  override name = 'InvalidUtf8Error';
  readonly status = 400;
  readonly type = 'encoding.invalid_utf8';
  constructor(readonly offset: number) {
    super(`body is not valid UTF-8 (RFC 8259 requires UTF-8): invalid byte at offset ${offset}`);
  }
}
