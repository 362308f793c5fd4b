import { normalizeAuthor } from './author.js';

describe('normalizeAuthor', () => {
  it.each([
    ['Jane Doe', 'Jane Doe'],
    ['By Jane Doe', 'Jane Doe'],
    ['  by:  Jane   Doe ', 'Jane Doe'],
    ['Written by Jane Doe', 'Jane Doe'],
    ['@janedoe', 'janedoe'],
    ['Jane Doe, Senior Reporter', 'Jane Doe'],
    ['Jane Doe | Staff Writer', 'Jane Doe'],
    ['Jane Doe - Contributor', 'Jane Doe'],
    ['Jane Doe, John Smith', 'Jane Doe, John Smith'],
    ['Zo&amp;euml; Smith', 'Zoë Smith'],
    ['The Editorial Board', 'The Editorial Board'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalizeAuthor(input)).toBe(expected);
  });

  it.each([
    ['https://www.facebook.com/janedoe'],
    ['www.example.com/jane'],
    ['//example.com/jane'],
    ['   '],
    ['By '],
    ['1234'],
    ['J'.repeat(101)],
    [undefined],
  ])('rejects %j', (input) => {
    expect(normalizeAuthor(input)).toBeUndefined();
  });
});
