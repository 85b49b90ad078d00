// parseUtf8Json must give exactly what JSON.parse of the decoded text gives, for any JSON and any bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUtf8Json } from '../../src/publish/utf8-json';

// The reference: the bytes decoded in full, then parsed (an error is compared as "throws").
const reference = (bytes: Uint8Array) => {
  try {
    return { value: JSON.parse(new TextDecoder().decode(bytes)) as unknown };
  } catch {
    return { throws: true };
  }
};
const tried = (bytes: Uint8Array) => {
  try {
    return { value: parseUtf8Json(bytes) };
  } catch {
    return { throws: true };
  }
};

describe('parseUtf8Json', () => {
  it('equals JSON.parse of the decoded text on random JSON (any unicode, escapes, keys)', () => {
    fc.assert(fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
      const bytes = Buffer.from(JSON.stringify(value));
      expect(tried(bytes)).toEqual(reference(bytes));
    }), { numRuns: 500 });
  });

  it('equals it on raw bytes spliced into JSON strings (invalid UTF-8, a BOM, a "__proto__" key)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 12 }), fc.constantFrom('{"a":"#"}', '["#",1]', '{"#":2}', '\ufeff{"x":"#"}', '{"__proto__":"#"}', '#'), (raw, template) => {
      const [before, after] = template.split('#') as [string, string];
      const bytes = Buffer.concat([Buffer.from(before), raw, Buffer.from(after ?? '')]);
      expect(tried(bytes)).toEqual(reference(bytes));
    }), { numRuns: 2000 });
  });

  it('keeps a "__proto__" key an own property', () => {
    const value = parseUtf8Json(Buffer.from('{"__proto__":"Nhà"}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toBe('Nhà');
  });
});
