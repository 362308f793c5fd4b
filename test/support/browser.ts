import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary (Debian's package, installed by scripts/install-test-deps.sh); override with CHROMIUM_BIN. */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** Where browser tests leave screenshots (git-ignored). */
export const ARTIFACT_DIR = new URL('../../test-artifacts/', import.meta.url).pathname;

/** Nothing that would talk to Google's services or make a run depend on more than the page under test. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser started for a test, with its own fresh profile. */
export interface TestBrowser {
  context: BrowserContext;
  /** Closes the browser and deletes its profile. */
  close(): Promise<void>;
}

/** Options of {@link launchBrowser}. */
export interface LaunchOptions {
  /** Chromium `--host-resolver-rules`, e.g. `MAP previews.test 127.0.0.1`. */
  hostResolverRules?: string;
  /** Viewport width in CSS pixels. @default 1280 */
  width?: number;
}

/** Fails (never skips) when the binary is missing: the page and the docs are tested in a real browser. */
function assertInstalled(): void {
  try {
    accessSync(CHROMIUM_BIN, constants.X_OK);
  } catch {
    throw new Error(
      `chromium is not installed at ${CHROMIUM_BIN} (scripts/install-test-deps.sh installs it, or set CHROMIUM_BIN)`,
    );
  }
}

/** Starts Chromium headless with a fresh `--user-data-dir`, an en-US locale and UTC, so pages render the same. */
export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  assertInstalled();
  const profile = mkdtempSync(join(tmpdir(), 'lps-chromium-'));
  const args = [...CHROMIUM_ARGS];
  if (options.hostResolverRules) args.push(`--host-resolver-rules=${options.hostResolverRules}`);
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_BIN,
      headless: true,
      args,
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme: 'light',
      viewport: { width: options.width ?? 1280, height: 900 },
    });
    // Far above what any step takes here; a missing element fails in seconds, not at the test's timeout.
    context.setDefaultTimeout(10_000);
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** What went wrong on a page while a test used it. */
export interface PageProblems {
  consoleErrors: string[];
  pageErrors: string[];
  failedRequests: string[];
  /** Answers of 400 and above, as `STATUS METHOD URL`. */
  errorResponses: string[];
}

/** Records console errors, uncaught exceptions, failed requests and error answers of `page` from now on. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { consoleErrors: [], pageErrors: [], failedRequests: [], errorResponses: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') problems.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => problems.pageErrors.push(error.message));
  page.on('requestfailed', (request) =>
    problems.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.errorResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  return problems;
}

/** Saves a full-page screenshot under test-artifacts/ and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACT_DIR, { recursive: true });
  const path = join(ARTIFACT_DIR, name);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  return path;
}
