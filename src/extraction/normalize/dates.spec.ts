import { normalizeDate } from './dates.js';

describe('normalizeDate', () => {
  it.each([
    ['2024-03-05', '2024-03-05T00:00:00.000Z'],
    ['2024-03-05T10:20:30Z', '2024-03-05T10:20:30.000Z'],
    ['2024-03-05T10:20:30+02:00', '2024-03-05T08:20:30.000Z'],
    ['2024-03-05 10:20:30', '2024-03-05T10:20:30.000Z'],
    ['2024-03-05T10:20:30.123456-0500', '2024-03-05T15:20:30.123Z'],
    ['Tue, 05 Mar 2024 10:00:00 GMT', '2024-03-05T10:00:00.000Z'],
    ['Tue, 05 Mar 2024 10:00:00 +0100', '2024-03-05T09:00:00.000Z'],
    ['2024/03/05', '2024-03-05T00:00:00.000Z'],
    ['March 5, 2024', '2024-03-05T00:00:00.000Z'],
    ['5 March 2024', '2024-03-05T00:00:00.000Z'],
    ['Mar 5th, 2024 3:45 PM EST', '2024-03-05T20:45:00.000Z'],
    ['Jul 14, 2017 at 12:28 am', '2017-07-14T00:28:00.000Z'],
    ['1709596800', '2024-03-05T00:00:00.000Z'],
    ['1709596800000', '2024-03-05T00:00:00.000Z'],
    ['20240305', '2024-03-05T00:00:00.000Z'],
    ['20240305T101500Z', '2024-03-05T10:15:00.000Z'],
    ['05.03.2024', '2024-03-05T00:00:00.000Z'],
    ['03/05/2024', '2024-03-05T00:00:00.000Z'],
    ['25/03/2024 14:00', '2024-03-25T14:00:00.000Z'],
    ['  2024-03-05T10:20:30 UTC ', '2024-03-05T10:20:30.000Z'],
  ])('reads %j as %s', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each([
    ['Tue, 05 Mar 2024 10:00:00 GMT+8', '2024-03-05T02:00:00.000Z'],
    ['2024-03-05T10:00:00 UTC-5', '2024-03-05T15:00:00.000Z'],
    ['2024-03-05T10:00:00\u221209:00', '2024-03-05T19:00:00.000Z'],
    ['Tue Mar 05 2024 10:00:00 GMT-0500 (Eastern Standard Time)', '2024-03-05T15:00:00.000Z'],
    ['Fri Apr 09 12:53:54 +0000 2010', '2010-04-09T12:53:54.000Z'],
    ['2024-03-05T10:00:00+02:00[Europe/Paris]', '2024-03-05T08:00:00.000Z'],
    ['March 5, 2024 10:00 AM ET', '2024-03-05T15:00:00.000Z'],
    ['July 5, 2024 10:00 AM ET', '2024-07-05T14:00:00.000Z'],
    ['Updated March 5, 2024 at 10:00 PM', '2024-03-05T22:00:00.000Z'],
    ['12:00 PM, March 5, 2024', '2024-03-05T12:00:00.000Z'],
  ])('reads the zone of %j, whatever way it is written', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each([
    ['Jan 28, 17', '2017-01-28T00:00:00.000Z'],
    ['28 Jan 17', '2017-01-28T00:00:00.000Z'],
    ['03/14/20', '2020-03-14T00:00:00.000Z'],
    ['14.03.99', '1999-03-14T00:00:00.000Z'],
    ['1-Jan-2020', '2020-01-01T00:00:00.000Z'],
    ['2024\u201303\u201305', '2024-03-05T00:00:00.000Z'],
  ])('reads the two-digit year or hyphenated form %j', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each([
    ['2024-03-05+02:00', '2024-03-05T00:00:00.000Z'],
    ['2024-03-05-11:00', '2024-03-05T00:00:00.000Z'],
    ['5 March 2024 +0900', '2024-03-05T00:00:00.000Z'],
    ['March 5, 2024 (Pacific)', '2024-03-05T00:00:00.000Z'],
  ])('keeps the calendar day of the date-only value %j, whatever zone it names', (input, expected) => {
    expect(normalizeDate(input)).toBe(expected);
  });

  it.each([
    ['2024-03-05T10:00:00 XYZT'],
    ['March 5, 2024 10:00 Pacific'],
    ['2024-03-05T10:00:00+15:00'],
    ['2024-03-05T10:00:00 GMT+8:75'],
    ['Mar 5, 2006 10:00 ET'],
    ['Jan 28'],
    ['Marketing 2024'],
  ])('gives no date rather than a wrong one for %j', (input) => {
    expect(normalizeDate(input)).toBeUndefined();
  });

  it('reads a unix timestamp given as a number', () => {
    expect(normalizeDate(1709596800)).toBe('2024-03-05T00:00:00.000Z');
  });

  it.each([
    ['2024-02-30'],
    ['2024-13-01'],
    ['2024-03-05T25:00'],
    ['hello'],
    [''],
    ['1850-01-01'],
    ['0'],
    ['x'.repeat(100)],
  ])('rejects %j', (input) => {
    expect(normalizeDate(input)).toBeUndefined();
  });

  it('rejects values that are neither text nor numbers', () => {
    expect([normalizeDate(null), normalizeDate({}), normalizeDate(Number.NaN), normalizeDate(-5)]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
