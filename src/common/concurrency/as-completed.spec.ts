import { asCompleted } from './as-completed.js';

const after = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('asCompleted', () => {
  it('yields values in the order their promises settle, not the input order', async () => {
    const seen: string[] = [];
    for await (const value of asCompleted([after(60, 'slow'), after(10, 'fast'), after(30, 'middle')])) {
      seen.push(value);
    }
    expect(seen).toEqual(['fast', 'middle', 'slow']);
  });

  it('yields nothing for no promises', async () => {
    const seen: unknown[] = [];
    for await (const value of asCompleted([])) seen.push(value);
    expect(seen).toEqual([]);
  });
});
