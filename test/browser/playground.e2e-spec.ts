import { jest } from '@jest/globals';
import type { Locator, Page, Request } from 'playwright-core';
import { launchBrowser, saveScreenshot, watchPage, type TestBrowser } from '../support/browser.js';
import { FixtureUpstream } from '../support/fixture-upstream.js';
import { startListeningApp, type ListeningApp } from '../support/test-app.js';

jest.setTimeout(60_000);

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const COVER_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630" viewBox="0 0 1200 630">
<defs><linearGradient id="sky" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#0ea5e9"/>
<stop offset="1" stop-color="#6366f1"/></linearGradient></defs><rect width="1200" height="630" fill="url(#sky)"/>
<circle cx="960" cy="140" r="220" fill="#fff" opacity=".12"/><circle cx="200" cy="560" r="260" fill="#fff" opacity=".1"/>
<rect x="120" y="230" width="560" height="56" rx="28" fill="#fff" opacity=".9"/>
<rect x="120" y="320" width="380" height="36" rx="18" fill="#fff" opacity=".6"/></svg>`;
const ICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="8"
fill="#0ea5e9"/><path d="M9 22V10h4l6 8v-8h4v12h-4l-6-8v8z" fill="#fff"/></svg>`;

/** A page with everything a card shows: image, icon, site name, type, author, date and a theme colour. */
function storyPage(title: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | Northwind Journal</title>
<meta property="og:title" content="${title}">
<meta property="og:description" content="What happens between pasting a link and seeing its card: fetching, parsing, picking the best image, and caching it for the next person.">
<meta property="og:type" content="article"><meta property="og:site_name" content="Northwind Journal">
<meta property="og:image" content="/cover.svg"><meta property="og:image:width" content="1200">
<meta property="og:image:height" content="630"><meta name="author" content="Ada Lovelace">
<meta property="article:published_time" content="2024-03-05T10:00:00Z"><meta name="theme-color" content="#0ea5e9">
<link rel="icon" href="/icon.svg" type="image/svg+xml"></head><body><h1>${title}</h1></body></html>`;
}

/** A promise the test resolves when it wants the fixture to answer. */
function gate(): { until: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const until = new Promise<void>((resolve) => (open = resolve));
  return { until, open };
}

/** Resolves with the image's natural width once it is decoded; rejects if it cannot load (e.g. refused by CSP). */
function loadedWidth(image: Locator): Promise<number> {
  return image.evaluate((img: { decode(): Promise<void>; naturalWidth: number }) =>
    img.decode().then(() => img.naturalWidth),
  );
}

async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map((text) => text.trim());
}

async function submitUrl(page: Page, url: string): Promise<void> {
  await page.getByLabel('URL to preview').fill(url);
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
}

const fixture = new FixtureUpstream();

beforeAll(async () => {
  await fixture.start();
  fixture
    .route('/cover.svg', { headers: { 'content-type': 'image/svg+xml' }, body: COVER_SVG })
    .route('/icon.svg', { headers: { 'content-type': 'image/svg+xml' }, body: ICON_SVG })
    .html('/story', storyPage('How link previews work'));
});

afterAll(async () => {
  await fixture.close();
});

describe('playground (GET /) in Chromium, authentication off', () => {
  let service: ListeningApp;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    service = await startListeningApp({ env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1' } });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
  });

  it('shows the card, the JSON and the Server-Timing breakdown of a fixture URL, under the CSP, with no errors', async () => {
    const problems = watchPage(page);
    await page.goto(`${service.origin}/`);
    await submitUrl(page, fixture.url('/story'));
    const card = page.getByTestId('preview-card');
    await card.waitFor();

    expect(await card.getAttribute('href')).toBe(fixture.url('/story'));
    expect(await texts(card.locator('.card-title'))).toEqual(['How link previews work']);
    expect(await texts(card.locator('.card-description'))).toEqual([
      'What happens between pasting a link and seeing its card: fetching, parsing, picking the best image, and caching it for the next person.',
    ]);
    expect(await texts(card.locator('.card-site > span'))).toEqual(['Northwind Journal', '127.0.0.1']);
    expect(await texts(card.locator('.card-meta > *'))).toEqual(['article', 'Ada Lovelace', 'Mar 5, 2024']);
    expect(await card.locator('time').getAttribute('datetime')).toBe('2024-03-05T10:00:00.000Z');
    const cover = card.locator('img.card-image');
    expect(await cover.getAttribute('src')).toBe(fixture.url('/cover.svg'));
    expect(await loadedWidth(cover)).toBe(1200);
    expect(await card.locator('img.card-icon').getAttribute('src')).toBe(fixture.url('/icon.svg'));
    expect(await loadedWidth(card.locator('img.card-icon'))).toBeGreaterThan(0);

    expect(JSON.parse((await page.getByTestId('json').textContent()) ?? '')).toEqual({
      url: fixture.url('/story'),
      finalUrl: fixture.url('/story'),
      status: 200,
      contentType: 'text/html',
      type: 'article',
      title: 'How link previews work',
      description:
        'What happens between pasting a link and seeing its card: fetching, parsing, picking the best image, and caching it for the next person.',
      siteName: 'Northwind Journal',
      lang: 'en',
      author: 'Ada Lovelace',
      publishedAt: '2024-03-05T10:00:00.000Z',
      themeColor: '#0ea5e9',
      images: [{ url: fixture.url('/cover.svg'), width: 1200, height: 630 }],
      icons: [{ url: fixture.url('/icon.svg'), type: 'image/svg+xml', rel: 'icon' }],
      fetchedAt: expect.stringMatching(ISO_DATE),
    });
    const chips = await texts(page.locator('.response-panel .chip'));
    expect(chips.slice(0, 3)).toEqual(['200 OK', 'X-Cache: MISS', 'public, max-age=3600']);
    expect(chips[3]).toMatch(/^\d+ ms$/);
    expect(chips[4]).toMatch(/^request [0-9a-f-]{36}$/);
    const timing = page.getByTestId('server-timing');
    expect(await texts(timing.locator('.timing-name'))).toEqual([
      'cacheorigin',
      'bodyrendered',
      'total',
      'round tripseen by this browser',
    ]);
    // The cache tier and the body's source are named, not timed.
    expect(await texts(timing.locator('.timing-value'))).toEqual([
      '–',
      '–',
      expect.stringMatching(/^\d+\.\d ms$/),
      expect.stringMatching(/^\d+\.\d ms$/),
    ]);

    expect(fixture.hits('/story')).toBe(1);
    expect(fixture.hits('/cover.svg')).toBe(1);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] });
    await saveScreenshot(page, 'playground.png');
  });

  it('shows an invalid URL as the problem title and detail the API answered', async () => {
    await page.goto(`${service.origin}/`);
    await submitUrl(page, 'not a url');
    const problem = page.getByTestId('problem');
    await problem.waitFor();

    expect(await texts(problem.locator('.problem-title'))).toEqual(['Validation failed']);
    expect(await texts(problem.locator('.problem-detail'))).toEqual([
      'Request validation failed: url: url must be an absolute http or https URL of at most 2048 characters',
    ]);
    expect(await texts(problem.locator('.problem-meta > *'))).toEqual([
      'VALIDATION_FAILED',
      'HTTP 400',
      expect.stringMatching(/^request [0-9a-f-]{36}$/),
    ]);
    expect(JSON.parse((await page.getByTestId('json').textContent()) ?? '')).toMatchObject({
      title: 'Validation failed',
      status: 400,
      code: 'VALIDATION_FAILED',
      instance: '/v1/previews',
    });
    expect(await page.getByTestId('preview-card').count()).toBe(0);
  });

  it('fits a phone screen: nothing wider than the viewport, nothing spilling out of its box', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${service.origin}/`);
      await submitUrl(page, fixture.url('/story'));
      await page.getByTestId('preview-card').waitFor();
      const widths = await page.evaluate<{ page: number; viewport: number; overflowing: string[] }>(`({
        page: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        overflowing: [...document.querySelectorAll('.panel, .card, .url-bar, .topbar')]
          .filter((box) => box.scrollWidth > box.clientWidth)
          .map((box) => box.className),
      })`);
      expect(widths).toEqual({ page: 390, viewport: 390, overflowing: [] });
      await saveScreenshot(page, 'playground-phone.png');
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('renders batch cards as the NDJSON lines arrive, in completion order, errors included', async () => {
    const gates = { first: gate(), second: gate(), third: gate() };
    fixture
      .html('/batch/first', storyPage('First in the list'), { until: gates.first.until })
      .html('/batch/second', storyPage('Second in the list'), { until: gates.second.until })
      .html('/batch/third', storyPage('Third in the list'), { until: gates.third.until });
    await page.goto(`${service.origin}/`);
    await page.getByRole('tab', { name: 'Batch' }).click();
    const urls = [fixture.url('/batch/first'), 'not a url', fixture.url('/batch/second'), fixture.url('/batch/third')];
    await page.getByLabel('URLs, one per line').fill(urls.join('\n'));
    await page.getByRole('button', { name: 'Preview all' }).click();

    const items = page.getByTestId('batch-item');
    const status = page.getByRole('status');
    // The bad URL completes at once; the three fetches wait at the fixture until the test opens their gates.
    await items.nth(0).waitFor();
    await page.locator('#status', { hasText: '1 of 4 done…' }).waitFor();
    expect(await items.count()).toBe(1);
    expect(await texts(items.nth(0).locator('.problem-title'))).toEqual(['Invalid URL']);

    gates.third.open();
    await items.nth(1).waitFor();
    expect(await items.count()).toBe(2);
    gates.first.open();
    await items.nth(2).waitFor();
    gates.second.open();
    await page.locator('#status', { hasText: /^4 of 4 done in \d+\.\d\d s, 1 failed\.$/ }).waitFor();

    const order = await Promise.all([0, 1, 2, 3].map((n) => items.nth(n).getAttribute('data-index')));
    expect(order).toEqual(['1', '3', '0', '2']);
    expect(await texts(items.locator('.batch-item-order'))).toEqual([
      '1st to finish',
      '2nd to finish',
      '3rd to finish',
      '4th to finish',
    ]);
    expect(await texts(items.locator('.card-title'))).toEqual([
      'Third in the list',
      'First in the list',
      'Second in the list',
    ]);
    expect(await texts(items.nth(0).locator('.problem-detail'))).toEqual([
      'url must be an absolute http or https URL of at most 2048 characters',
    ]);
    expect((await status.textContent())?.trim()).toMatch(/^4 of 4 done in \d+\.\d\d s, 1 failed\.$/);
    await saveScreenshot(page, 'playground-batch.png');
  });
});

const API_KEY = 'k-playground-test';

describe('playground in Chromium, API key required', () => {
  let service: ListeningApp;
  let browser: TestBrowser;
  let page: Page;
  const apiRequests: Request[] = [];

  beforeAll(async () => {
    fixture.html('/keyed/one', storyPage('Behind a key')).html('/keyed/two', storyPage('Still behind a key'));
    service = await startListeningApp({
      env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1', API_KEYS: `${API_KEY}:client` },
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/v1/')) apiRequests.push(request);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
  });

  const storedKey = (): Promise<string | null> =>
    page.evaluate<string | null>(`sessionStorage.getItem('linkPreview.apiKey')`);

  it('asks for a key on 401, retries with it as X-API-Key (never in the URL) and keeps it for the tab', async () => {
    await page.goto(`${service.origin}/`);
    expect(await page.locator('#key-status').isHidden()).toBe(true);
    await submitUrl(page, fixture.url('/keyed/one'));

    const keyPanel = page.locator('#key-panel');
    await keyPanel.waitFor();
    expect(await texts(keyPanel.locator('#key-message'))).toEqual([
      'An API key is required: send it in X-API-Key or Authorization: Bearer',
    ]);
    await saveScreenshot(page, 'playground-api-key.png');
    await page.getByLabel('API key', { exact: true }).fill('wrong-key');
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.locator('#key-message', { hasText: 'The key was not accepted' }).waitFor();
    expect(await texts(keyPanel.locator('#key-message'))).toEqual([
      'The key was not accepted: The API key is not valid',
    ]);
    expect(await storedKey()).toBeNull();

    await page.getByLabel('API key', { exact: true }).fill(API_KEY);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByTestId('preview-card').waitFor();
    expect(await texts(page.locator('.card-title'))).toEqual(['Behind a key']);
    expect(await keyPanel.isHidden()).toBe(true);
    expect(await page.locator('#key-status').isVisible()).toBe(true);
    expect(await storedKey()).toBe(API_KEY);

    // A reload keeps the key (sessionStorage): the batch goes straight through.
    await page.reload();
    await page.getByRole('tab', { name: 'Batch' }).click();
    await page.getByLabel('URLs, one per line').fill(fixture.url('/keyed/two'));
    await page.getByRole('button', { name: 'Preview all' }).click();
    await page.locator('#status', { hasText: /^1 of 1 done in/ }).waitFor();
    expect(await texts(page.locator('.card-title'))).toEqual(['Still behind a key']);

    expect(apiRequests.map((request) => [request.method(), request.headers()['x-api-key']])).toEqual([
      ['GET', undefined],
      ['GET', 'wrong-key'],
      ['GET', API_KEY],
      ['POST', API_KEY],
    ]);
    const urls = apiRequests.map((request) => request.url());
    expect(urls.filter((url) => url.includes(API_KEY) || url.includes('wrong-key'))).toEqual([]);

    await page.getByRole('button', { name: 'Forget' }).click();
    expect(await storedKey()).toBeNull();
    expect(await page.locator('#key-status').isHidden()).toBe(true);
  });
});
