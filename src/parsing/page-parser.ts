import { Injectable } from '@nestjs/common';
import { extract, type Metadata } from '../extraction/extract.js';

/** Turns fetched HTML into metadata. A port: the worker pool and the inline parser both implement it. */
export abstract class PageParser {
  abstract parse(html: string, url: string): Promise<Metadata>;
}

/** Parses on the calling thread; for tests and for deployments that disable the pool. */
@Injectable()
export class InlinePageParser extends PageParser {
  parse(html: string, url: string): Promise<Metadata> {
    return Promise.resolve(extract(html, url));
  }
}
