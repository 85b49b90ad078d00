// JSON.parse of UTF-8 bytes, with the same value as JSON.parse of the decoded text but without decoding it
// all: Node turns UTF-8 into a string at a fraction of the speed it reads bytes as Latin-1 (one character a
// byte), and a dataset's millions of rows are mostly ASCII. So the bytes are parsed as Latin-1, where JSON's
// own syntax is ASCII and reads the same, and only each string holding a byte above 0x7f is then decoded
// from its own bytes. Escaped code points (\uXXXX), a byte-order mark or a key beyond ASCII would read
// differently that way: such text is decoded in full first, as before.
import { utf8Text } from './verify-files';

const NON_ASCII = /[^\x00-\x7f]/;
const BOM = [0xef, 0xbb, 0xbf];

/** Thrown inside when a key is beyond ASCII: the text is then decoded in full. */
class OddKey extends Error {}

// A string read byte for byte, back to the text its UTF-8 bytes spell (invalid bytes become U+FFFD, as in a full decode).
const spelled = (latin1: string) => (NON_ASCII.test(latin1) ? Buffer.from(latin1, 'latin1').toString('utf8') : latin1);

// Every string inside a parsed value, in place.
function respell(value: unknown): unknown {
  if (typeof value === 'string') return spelled(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = respell(value[i]);
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (NON_ASCII.test(key)) throw new OddKey();
      const item = (value as Record<string, unknown>)[key];
      const now = respell(item);
      // defineProperty, not assignment: a "__proto__" key parsed as an own property stays one.
      if (now !== item) Object.defineProperty(value, key, { value: now, writable: true, enumerable: true, configurable: true });
    }
  }
  return value;
}

/** The value of UTF-8 JSON bytes: JSON.parse(new TextDecoder().decode(bytes)), faster. */
export function parseUtf8Json(bytes: Uint8Array): unknown {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buffer.includes('\\u') || BOM.every((byte, i) => buffer[i] === byte)) return JSON.parse(utf8Text(bytes));
  const value: unknown = JSON.parse(buffer.toString('latin1'));
  try {
    return respell(value);
  } catch (error) {
    if (error instanceof OddKey) return JSON.parse(utf8Text(bytes));
    throw error;
  }
}
