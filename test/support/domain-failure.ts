import { DomainError } from '../../src/common/errors/domain-error.js';

/** The DomainError `promise` rejects with; anything else (a resolved value, another error) fails the test. */
export async function domainFailure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject with a DomainError');
}
