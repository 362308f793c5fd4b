import { normalizeLang } from './lang.js';

describe('normalizeLang', () => {
  it.each([
    ['en', 'en'],
    ['en-US', 'en'],
    ['pt_BR', 'pt'],
    ['EN', 'en'],
    [' de-DE ', 'de'],
    ['eng', 'en'],
    ['fre', 'fr'],
    ['iw', 'he'],
    ['zh-Hant-TW', 'zh'],
    ['English', 'en'],
    ['Deutsch', 'de'],
    ['Français', 'fr'],
  ])('maps %j to %j', (input, expected) => {
    expect(normalizeLang(input)).toBe(expected);
  });

  it.each([['xx'], ['klingon'], ['abc'], [''], [42]])('rejects %j', (input) => {
    expect(normalizeLang(input)).toBeUndefined();
  });
});
