import { Module } from '@nestjs/common';
import { OembedModule } from '../oembed/oembed.module.js';
import { PreviewsModule } from '../previews/previews.module.js';
import { EmbedsController } from './embeds.controller.js';
import { EmbedsService } from './embeds.service.js';

/** `GET /v1/oembed`, built on the previews (cached, purgeable) and the oEmbed provider client. */
@Module({
  imports: [PreviewsModule, OembedModule],
  controllers: [EmbedsController],
  providers: [EmbedsService],
})
export class EmbedsModule {}
