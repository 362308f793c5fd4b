import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { DebugAccess, OpenDebugAccess } from '../common/auth/debug-access.js';
import { FetcherModule } from '../fetcher/fetcher.module.js';
import { OembedModule } from '../oembed/oembed.module.js';
import { ParsingModule } from '../parsing/parsing.module.js';
import { BatchService } from './batch.service.js';
import { OembedController } from './oembed.controller.js';
import { ResponseCache } from './response-cache.js';
import { PreviewSerializerInterceptor } from './preview-serializer.interceptor.js';
import { PreviewsController } from './previews.controller.js';
import { PreviewsService } from './previews.service.js';

@Module({
  imports: [CacheModule, FetcherModule, OembedModule, ParsingModule],
  controllers: [PreviewsController, OembedController],
  providers: [
    PreviewsService,
    BatchService,
    PreviewSerializerInterceptor,
    ResponseCache,
    { provide: DebugAccess, useClass: OpenDebugAccess },
  ],
  exports: [PreviewsService, ResponseCache],
})
export class PreviewsModule {}
