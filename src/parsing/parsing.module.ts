import { Module } from '@nestjs/common';
import { PageParser } from './page-parser.js';
import { ParsePoolProvider } from './parse-pool.js';

/** Provides the {@link PageParser}: the worker-thread pool. */
@Module({
  providers: [{ provide: PageParser, useClass: ParsePoolProvider }],
  exports: [PageParser],
})
export class ParsingModule {}
