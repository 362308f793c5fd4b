import { scanPage, type ScanBudget } from './page-scan.js';

const all = (): boolean => true;

/** A clock that moves `step` ms each time it is read. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => {
    now += step;
    return now;
  };
}

describe('scanPage budget', () => {
  it('stops at the depth budget and keeps what it read before: 200,000 nested divs after a title', () => {
    const html = `<title>deep</title>${'<div>'.repeat(200_000)}`;
    const scan = scanPage(html, 'https://example.com/', all);
    expect({ title: scan.title, budget: scan.budget }).toEqual({ title: 'deep', budget: 'depth' });
  });

  it('stops after maxChars characters, giving an element still open the text it had', () => {
    const scan = scanPage('<head><title>A title that goes on and on', 'https://example.com/', all, { maxChars: 20 });
    expect({ title: scan.title, budget: scan.budget }).toEqual({ title: 'A title', budget: 'chars' });
  });

  it('stops once the time budget is spent, reading the clock on every few hundred tags', () => {
    const html = `<head><meta name="description" content="first"></head><body>${'<p>x</p>'.repeat(5000)}`;
    const budget: Partial<ScanBudget> = { maxMs: 1000, now: steppingClock(100) };
    const scan = scanPage(html, 'https://example.com/', all, budget);
    expect(scan.budget).toBe('time');
    expect(scan.metas).toEqual([{ key: 'description', value: 'first' }]);
  });

  it('counts end tags that match nothing, which cost time without reaching a handler', () => {
    let reads = 0;
    const now = (): number => {
      reads += 1;
      return reads * 10;
    };
    const html = `<title>t</title>${'<div>'.repeat(10)}${'</x>'.repeat(10_000)}`;
    const scan = scanPage(html, 'https://example.com/', all, { maxMs: 200, now });
    expect({ title: scan.title, budget: scan.budget }).toEqual({ title: 't', budget: 'time' });
    expect(reads).toBeLessThan(40);
  });

  it('reads a whole ordinary page within the default budget', () => {
    const scan = scanPage('<html><head><title>t</title></head><body><p>x</p></body></html>', 'https://e.com/', all);
    expect({ budget: scan.budget, bodyScanned: scan.bodyScanned, title: scan.title }).toEqual({
      budget: undefined,
      bodyScanned: true,
      title: 't',
    });
  });

  it('keeps at most 2048 meta tags and caps what one captured element holds', () => {
    const metas = '<meta property="og:image" content="/i.jpg">'.repeat(3000);
    const scan = scanPage(`<head>${metas}<title>${'t'.repeat(10_000)}</title></head>`, 'https://e.com/', all);
    expect([scan.metas.length, scan.title?.length]).toEqual([2048, 2000]);
  });
});
