import type { z } from 'zod';
import { DomainError } from './errors';

// Refuses malformed input as 400 with every problem listed, before any database work.
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
  throw new DomainError(
    400,
    'invalid_input',
    `Dữ liệu không hợp lệ: ${problems.join('; ')}`,
    `Invalid input: ${problems.join('; ')}`,
    parsed.error.issues,
  );
}
