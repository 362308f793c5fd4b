import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CacheModule } from '../cache/cache.module.js';
import { cacheConfig } from '../config/cache.config.js';
import { FetcherModule } from '../fetcher/fetcher.module.js';
import { OembedModule } from '../oembed/oembed.module.js';
import { ParsingModule } from '../parsing/parsing.module.js';
import { BatchService } from './batch.service.js';
import { OriginBudgetModule } from './origin-budget.module.js';
import { PreviewSerializerInterceptor } from './preview-serializer.interceptor.js';
import { PreviewsController } from './previews.controller.js';
import { PreviewsService } from './previews.service.js';

@Module({
  imports: [
    ConfigModule.forFeature(cacheConfig),
    CacheModule,
    OriginBudgetModule,
    FetcherModule,
    OembedModule,
    ParsingModule,
  ],
  controllers: [PreviewsController],
  providers: [PreviewsService, BatchService, PreviewSerializerInterceptor],
  exports: [PreviewsService],
})
export class PreviewsModule {}
