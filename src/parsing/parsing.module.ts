import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { concurrencyConfig } from '../config/concurrency.config.js';
import { InlinePageParser, PageParser } from './page-parser.js';
import { ParsePoolProvider } from './parse-pool.js';

/** Provides the {@link PageParser}: the worker-thread pool (PARSE_WORKERS threads). */
@Module({
  providers: [
    {
      provide: PageParser,
      inject: [concurrencyConfig.KEY],
      // PARSE_WORKERS=0 parses on the main thread: the baseline the pool is measured against.
      useFactory: (cfg: ConfigType<typeof concurrencyConfig>) =>
        cfg.parseWorkers === 0 ? new InlinePageParser() : new ParsePoolProvider(cfg),
    },
  ],
  exports: [PageParser],
})
export class ParsingModule {}
