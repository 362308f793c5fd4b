import { FixedWindowCounts } from './fixed-window-counts.js';

describe('FixedWindowCounts', () => {
  it('counts per key within a window and starts again in the next', () => {
    const counts = new FixedWindowCounts(10);
    expect([counts.hit('a', 1), counts.hit('a', 1), counts.hit('b', 1)]).toEqual([1, 2, 1]);
    expect([counts.hit('a', 2), counts.hit('b', 2)]).toEqual([1, 1]);
  });

  it('lets keys beyond maxKeys share one counter, so that their counts only run higher', () => {
    const counts = new FixedWindowCounts(2);
    expect([counts.hit('a', 7), counts.hit('b', 7)]).toEqual([1, 1]);
    expect([counts.hit('c', 7), counts.hit('d', 7), counts.hit('a', 7)]).toEqual([1, 2, 2]);
  });
});
