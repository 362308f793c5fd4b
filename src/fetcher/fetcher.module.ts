import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { fetchConfig } from '../config/fetch.config.js';
import { HostResolver, SystemHostResolver } from './host-resolver.js';
import { SafeFetcher } from './safe-fetcher.js';

/**
 * The safe outbound HTTP client, configured from the `fetch` namespace. The resolver is a provider of its own so
 * that tests override {@link HostResolver} and never touch the system DNS.
 */
@Module({
  imports: [ConfigModule.forFeature(fetchConfig)],
  providers: [{ provide: HostResolver, useClass: SystemHostResolver }, SafeFetcher],
  exports: [SafeFetcher, HostResolver],
})
export class FetcherModule {}
