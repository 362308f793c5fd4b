import { jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, watchPage, type PageProblems, type TestBrowser } from '../support/browser.js';
import { articlePage, FixtureUpstream } from '../support/fixture-upstream.js';
import { startListeningApp, type ListeningApp } from '../support/test-app.js';

jest.setTimeout(60_000);

/** A name that is not loopback, mapped to 127.0.0.1 inside the browser only. */
const HOST = 'previews.test';

/** Expands an operation, clicks "Try it out", lets `fill` enter parameters, clicks "Execute", returns the block. */
async function tryItOut(page: Page, operationId: string, fill?: (block: Locator) => Promise<void>): Promise<Locator> {
  const block = page.locator(`[id="${operationId}"]`);
  await block.locator('.opblock-summary-control').click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  await fill?.(block);
  await block.getByRole('button', { name: 'Execute' }).click();
  await block.locator('.live-responses-table tr.response .response-col_status').waitFor();
  return block;
}

/** The status code and the body text Swagger UI shows for the executed request. */
async function liveResponse(block: Locator): Promise<{ status: string; body: string; requestUrl: string }> {
  const live = block.locator('.live-responses-table');
  return {
    status: ((await live.locator('tr.response .response-col_status').textContent()) ?? '').trim(),
    body: (await live.locator('tr.response .highlight-code pre').textContent()) ?? '',
    requestUrl: ((await block.locator('.request-url pre').textContent()) ?? '').trim(),
  };
}

describe(`Swagger UI at http://${HOST}/docs in Chromium`, () => {
  let fixture: FixtureUpstream;
  let service: ListeningApp;
  let browser: TestBrowser;
  let page: Page;
  let problems: PageProblems;
  let origin: string;

  beforeAll(async () => {
    fixture = await new FixtureUpstream().start();
    fixture.html('/article', articlePage('Swagger article')).html('/second', articlePage('Second article'));
    service = await startListeningApp({ env: { FETCH_ALLOW_PRIVATE: fixture.hostPort, PARSE_WORKERS: '1' } });
    origin = `http://${HOST}:${service.port}`;
    browser = await launchBrowser({ hostResolverRules: `MAP ${HOST} 127.0.0.1` });
    page = await browser.context.newPage();
    problems = watchPage(page);
    await page.goto(`${origin}/docs`);
    await page.locator('.opblock').first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    await fixture?.close();
  });

  it('renders every operation of the API over plain http, with no console error and no failed request', async () => {
    const operations = await page.locator('.opblock').evaluateAll((blocks) => blocks.map((block) => block.id));
    expect(operations).toEqual([
      'operations-service-App_hello',
      'operations-service-Health_live',
      'operations-service-Health_ready',
      'operations-previews-Previews_previewMany',
      'operations-previews-Previews_preview',
      'operations-previews-Previews_purge',
      'operations-oembed-Embeds_answer',
    ]);
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] });
    await saveScreenshot(page, 'swagger-ui.png');
  });

  it('executes GET /test and shows its 200 body', async () => {
    const block = await tryItOut(page, 'operations-service-App_hello');
    expect(await liveResponse(block)).toEqual({ status: '200', body: 'Hello, World!', requestUrl: `${origin}/test` });
  });

  it('executes GET /v1/previews with a fixture URL, with no pre-filled field that cuts the answer down', async () => {
    const target = fixture.url('/article');
    const block = await tryItOut(page, 'operations-previews-Previews_preview', async (operation) => {
      expect(await operation.locator('tr[data-param-name="fields"] input').inputValue()).toBe('');
      await operation.locator('tr[data-param-name="url"] input').fill(target);
    });
    const response = await liveResponse(block);
    expect(response.status).toBe('200');
    // Swagger UI sends the booleans' documented defaults along, which change nothing.
    expect(response.requestUrl).toBe(
      `${origin}/v1/previews?url=${encodeURIComponent(target)}&refresh=false&debug=false`,
    );
    expect(JSON.parse(response.body)).toEqual({
      url: target,
      finalUrl: target,
      canonicalUrl: fixture.url('/articles/Swagger%20article'),
      status: 200,
      contentType: 'text/html',
      type: 'article',
      title: 'Swagger article',
      description: 'All about Swagger article.',
      siteName: 'Example News',
      lang: 'en',
      author: 'Ada Lovelace',
      publishedAt: '2024-03-05T10:00:00.000Z',
      images: [{ url: fixture.url('/images/Swagger%20article.jpg'), width: 1200, height: 630 }],
      icons: [{ url: fixture.url('/favicon.png'), type: 'image/png', rel: 'icon' }],
      fetchedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    expect(fixture.hits('/article')).toBe(1);
  });

  it('executes POST /v1/previews/batch and shows the results in request order', async () => {
    const urls = [fixture.url('/second'), 'not a url'];
    const block = await tryItOut(page, 'operations-previews-Previews_previewMany', async (operation) => {
      await operation.locator('textarea.body-param__text').fill(JSON.stringify({ urls }));
    });
    const response = await liveResponse(block);
    expect(response.status).toBe('200');
    expect(response.requestUrl).toBe(`${origin}/v1/previews/batch`);
    expect(JSON.parse(response.body)).toEqual({
      results: [
        { url: urls[0], ok: true, preview: expect.objectContaining({ url: urls[0], title: 'Second article' }) },
        {
          url: 'not a url',
          ok: false,
          error: {
            code: 'INVALID_URL',
            status: 400,
            title: 'Invalid URL',
            detail: 'url must be an absolute http or https URL of at most 2048 characters',
          },
        },
      ],
    });
  });

  it('saw no console error and no failed request in the whole session', () => {
    expect(problems).toEqual({ consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] });
  });
});
