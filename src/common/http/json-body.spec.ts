import { jsonNestsDeeperThan } from './json-body.js';

describe('jsonNestsDeeperThan', () => {
  it.each([
    ['{"urls":["a","b"]}', 2, false],
    ['{"urls":["a","b"]}', 1, true],
    ['[[[[]]]]', 4, false],
    ['[[[[[]]]]]', 4, true],
    ['{"a":"[[[[[[[[[["}', 1, false],
    ['{"a":"\\\\"}', 1, false],
    ['{"a":"\\"[[[[["}', 1, false],
    ['{"a":{"b":[{"c":1}]}}', 3, true],
    ['"just a string"', 0, false],
  ])('reads %s against depth %d as %p', (text, max, deeper) => {
    expect(jsonNestsDeeperThan(text, max)).toBe(deeper);
  });

  it('reads a body of 100,000 nested arrays in one pass', () => {
    expect(jsonNestsDeeperThan('['.repeat(100_000), 32)).toBe(true);
  });
});
