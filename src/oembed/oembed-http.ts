/** What oEmbed asks of an HTTP client (the safe fetcher's `fetch`, bound in `OembedModule`). */
export interface OembedHttpOptions {
  /** How the answer is read: a JSON or an XML document. */
  mode: 'json' | 'xml';
  /** Cap on decoded body bytes. */
  maxBytes: number;
  /** Aborts the request. @default none */
  signal?: AbortSignal;
}

/** The part of an HTTP answer oEmbed reads. */
export interface OembedHttpAnswer {
  /** Where the redirects ended: the base of relative URLs in the answer. */
  finalUrl: string;
  status: number;
  body: string;
  /** Whether the body was cut at `maxBytes`. */
  truncated: boolean;
}

/**
 * The port through which oEmbed reaches the network. `OembedModule` binds it to the safe fetcher, so provider and
 * discovered endpoints pass the same SSRF guard, limits and redirect rules as page fetches.
 */
export abstract class OembedHttp {
  abstract fetch(url: string, options: OembedHttpOptions): Promise<OembedHttpAnswer>;
}
