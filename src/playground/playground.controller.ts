import { Controller, Get, Headers, Inject, Param, Res } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { OpenAccess } from '../access/access.decorators.js';
import { DomainError } from '../common/errors/domain-error.js';
import { appConfig } from '../config/app.config.js';
import { packageInfo } from '../config/package-info.js';
import { withRemoteImages } from './content-security.js';
import { loadAsset, matchesEtag, PLAYGROUND_FILES, type PlaygroundAsset } from './playground-assets.js';

/** Fills the page's placeholders: the link to the API docs (only when they are served) and the version. */
function renderPage(docsEnabled: boolean): (html: string) => string {
  const docsLink = docsEnabled ? '<a class="nav-link" href="/docs">API docs</a>' : '';
  return (html) => html.replaceAll('{{docsLink}}', docsLink).replaceAll('{{version}}', packageInfo().version);
}

/**
 * The playground: `GET /` is a static page that previews URLs through the public API (one, or a batch streamed as
 * NDJSON) and shows the card, the JSON and the `Server-Timing` breakdown. Its script and styles are files served
 * from `/playground/`, so the page runs under the app's CSP; only `img-src` is widened for it, to show the previewed
 * sites' images. `PLAYGROUND_ENABLED=false` answers 404. Not in the API docs.
 */
@ApiExcludeController()
@OpenAccess()
@Controller()
export class PlaygroundController {
  private readonly page: PlaygroundAsset;
  private readonly files: ReadonlyMap<string, PlaygroundAsset>;

  constructor(@Inject(appConfig.KEY) private readonly cfg: ConfigType<typeof appConfig>) {
    this.page = loadAsset('index.html', renderPage(cfg.docsEnabled));
    this.files = new Map(PLAYGROUND_FILES.map((name) => [name, loadAsset(name)]));
  }

  @Get()
  index(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): FastifyReply {
    this.assertEnabled('/');
    const policy = reply.getHeader('content-security-policy');
    if (typeof policy === 'string') void reply.header('content-security-policy', withRemoteImages(policy));
    return this.send(reply, this.page, ifNoneMatch);
  }

  @Get('playground/:file')
  file(
    @Param('file') name: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): FastifyReply {
    this.assertEnabled(`/playground/${name}`);
    const asset = this.files.get(name);
    if (asset === undefined) throw new DomainError('NOT_FOUND', `Cannot GET /playground/${name}`);
    return this.send(reply, asset, ifNoneMatch);
  }

  private assertEnabled(path: string): void {
    if (!this.cfg.playgroundEnabled) throw new DomainError('NOT_FOUND', `Cannot GET ${path}`);
  }

  /** Sends a file that browsers revalidate on each load (`no-cache` + ETag), so a new release is seen at once. */
  private send(reply: FastifyReply, asset: PlaygroundAsset, ifNoneMatch: string | undefined): FastifyReply {
    void reply.header('cache-control', 'no-cache').header('etag', asset.etag);
    if (matchesEtag(ifNoneMatch, asset.etag)) return reply.status(304).send();
    return reply.header('content-type', asset.contentType).send(asset.body);
  }
}
