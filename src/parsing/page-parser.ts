import { Injectable } from '@nestjs/common';
import type { Metadata } from '../extraction/extract.js';
import { parsePage, type PageBytes } from './parse.worker.js';

export type { PageBytes } from './parse.worker.js';

/** Options of {@link ParseTicket.parse}. */
export interface ParseOptions {
  /** Cancels the parse: a queued page leaves the queue, the caller of a running one stops waiting. @default none */
  signal?: AbortSignal;
}

/**
 * One page's place in the parser's byte budget, from before its download to the end of its parse. Get one with
 * {@link PageParser.admit} before fetching, announce the bytes as they are known ({@link ParseTicket.reserve}, e.g.
 * from the fetcher's `admitBytes`), parse, and release it in a `finally`.
 */
export interface ParseTicket {
  /**
   * Holds `bytes` of the budget for this page (replacing what it held).
   * @throws DomainError `OVERLOADED` (503, `Retry-After`) when the budget cannot hold them; the page should not be
   *   downloaded further
   */
  reserve(bytes: number): void;
  /** Decodes and extracts the page (off the main thread when the parser is a pool). */
  parse(page: PageBytes, url: string, options?: ParseOptions): Promise<Metadata>;
  /** Gives the bytes back (idempotent). */
  release(): void;
}

/** Turns fetched HTML bytes into metadata. A port: the worker pool and the inline parser both implement it. */
export abstract class PageParser {
  /**
   * A ticket for one more page. Called before the page is fetched, so that a parser over its budget refuses the page
   * before any request is sent for it.
   * @throws DomainError `OVERLOADED` (503, `Retry-After`, `details.reachedUpstream: false`)
   */
  abstract admit(): ParseTicket;
}

/** Parses on the calling thread, without a budget; for tests and for deployments that disable the pool. */
@Injectable()
export class InlinePageParser extends PageParser {
  admit(): ParseTicket {
    return {
      reserve: () => undefined,
      parse: (page, url, options) => {
        const signal = options?.signal;
        if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
        return Promise.resolve(parsePage({ ...page, url }));
      },
      release: () => undefined,
    };
  }
}
