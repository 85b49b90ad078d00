// Plain-function checks of a parsed JSON line's fields, for the files of a million lines (journal chunks,
// records.ndjson) where a schema library costs seconds: each rule says what a broken field is not.

/** A field's rule: its name, the test, and what a value failing it is not. */
export type FieldRule<T> = [keyof T & string, (value: unknown) => boolean, string];

export const HEX64 = /^[0-9a-f]{64}$/;
export const isId = (value: unknown) => Number.isInteger(value) && (value as number) > 0;
export const isIdOrNull = (value: unknown) => value === null || isId(value);
export const isText = (value: unknown) => typeof value === 'string';
export const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';
export const isHex64 = (value: unknown) => typeof value === 'string' && HEX64.test(value);

/** The value as a T when it is an object with only the rules' keys, each passing its rule; else why not. */
export function shapeOf<T>(value: unknown, rules: readonly FieldRule<T>[]): T | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const fields = value as Record<string, unknown>;
  for (const key in fields) if (!rules.some(([name]) => name === key)) return `unrecognised key "${key}"`;
  for (const [key, rule, reason] of rules) if (!rule(fields[key])) return `${key}: ${reason}`;
  return value as T;
}
