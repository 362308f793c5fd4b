import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { oembedConfig } from '../config/oembed.config.js';
import { FetcherModule } from '../fetcher/fetcher.module.js';
import { OembedService } from './oembed.service.js';
import { ProviderRegistry } from './provider-registry.js';

/**
 * oEmbed: the bundled provider registry and {@link OembedService}, which reaches providers through the safe fetcher.
 */
@Module({
  imports: [ConfigModule.forFeature(oembedConfig), FetcherModule],
  providers: [{ provide: ProviderRegistry, useFactory: () => ProviderRegistry.bundled() }, OembedService],
  exports: [OembedService],
})
export class OembedModule {}
