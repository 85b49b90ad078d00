import { DomainError } from '../src/domain/errors';

// Runs fn and returns the DomainError it throws, failing the test if it succeeds or throws anything else.
export async function refusal(fn: () => Promise<unknown>): Promise<DomainError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the operation succeeded');
}

// The same for a synchronous fn (the statement parsers).
export function refusalOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but the operation succeeded');
}
