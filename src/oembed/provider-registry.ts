import { createRequire } from 'node:module';

/** One provider of the oEmbed registry (`providers.json` of the oembed-providers package). */
export interface RegistryProvider {
  provider_name: string;
  provider_url: string;
  endpoints: RegistryEndpoint[];
}

/** One endpoint of a registry provider. */
export interface RegistryEndpoint {
  /** URL patterns with `*` wildcards; an endpoint without schemes is never matched. */
  schemes?: string[];
  /** The endpoint; `{format}` in it stands for the answer format. */
  url: string;
  discovery?: boolean;
  formats?: string[];
}

/** The provider and endpoint that serve a page. */
export interface ProviderMatch {
  /** The registry's `provider_name`, e.g. `YouTube`. */
  providerName: string;
  /** The registry's `provider_url`. */
  providerUrl: string;
  /** The endpoint URL with `{format}` filled in, without the `url`/`format` parameters. */
  endpoint: string;
  /** The format to ask for: `json` unless the endpoint only speaks XML. */
  format: 'json' | 'xml';
}

interface CompiledEndpoint {
  host: RegExp;
  path: RegExp;
  /** The scheme names a fragment (`/#/videos/*`): the page's fragment is part of what it matches. */
  withFragment: boolean;
  match: ProviderMatch;
}

/** Splits `https://host/path?query` into host and the rest; `undefined` for non-http(s) schemes. */
function splitScheme(scheme: string): { host: string; path: string } | undefined {
  const lowered = scheme.toLowerCase();
  const prefix = ['http://', 'https://'].find((candidate) => lowered.startsWith(candidate));
  if (prefix === undefined) return undefined;
  const rest = scheme.slice(prefix.length);
  const end = rest.search(/[/?#]/);
  const host = end === -1 ? rest : rest.slice(0, end);
  return host === '' ? undefined : { host, path: end === -1 ? '' : rest.slice(end) };
}

function escapeRegExp(text: string): string {
  return text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}

/** One DNS label: a wildcard never reaches past a dot, so `*.youtube.com` cannot be `evil.example/?.youtube.com`. */
const LABEL = '[^./?#@:]+';

/**
 * A host pattern of the registry. Each leading `*.` stands for one label or none, so `*.example.com` matches
 * `example.com` and `www.example.com`, and `*.*.flickr.com` spans up to two labels, as its scheme says; a `*`
 * elsewhere (`embed-*.example.com`) is part of one label.
 */
function hostPattern(host: string): RegExp {
  const lower = host.toLowerCase();
  const leading = /^(?:\*\.)+/.exec(lower)?.[0] ?? '';
  const prefix = `(?:${LABEL}\\.)?`.repeat(leading.length / 2);
  const rest = lower
    .slice(leading.length)
    .split('*')
    .map((part) => escapeRegExp(part))
    .join(LABEL);
  return new RegExp(`^${prefix}${rest}$`);
}

/** `*` in a path (and query) matches anything; the rest is literal. */
function pathPattern(path: string): RegExp {
  const normalized = path.startsWith('/') ? path : `/${path}`;
  const source = normalized
    .split('*')
    .map((part) => escapeRegExp(part))
    .join('.*');
  return new RegExp(`^${source}$`, 's');
}

function formatOf(endpoint: RegistryEndpoint): 'json' | 'xml' {
  const formats = endpoint.formats?.map((format) => format.toLowerCase());
  return formats === undefined || formats.includes('json') || !formats.includes('xml') ? 'json' : 'xml';
}

/**
 * The oEmbed provider registry: which provider endpoint serves which page URL. Schemes are compiled once;
 * `http` and `https` variants of a page match the same schemes, hosts compare case-insensitively, and a scheme
 * that names a fragment (`https://site.example/#/videos/*`) is matched against the page's fragment too.
 */
export class ProviderRegistry {
  private readonly compiled: CompiledEndpoint[];

  constructor(providers: readonly RegistryProvider[]) {
    this.compiled = providers.flatMap((provider) =>
      provider.endpoints.flatMap((endpoint) => {
        const format = formatOf(endpoint);
        const match: ProviderMatch = {
          providerName: provider.provider_name,
          providerUrl: provider.provider_url,
          endpoint: endpoint.url.replaceAll('{format}', format),
          format,
        };
        return (endpoint.schemes ?? []).flatMap((scheme) => {
          const parts = splitScheme(scheme.trim());
          if (parts === undefined) return [];
          const withFragment = parts.path.includes('#');
          return [{ host: hostPattern(parts.host), path: pathPattern(parts.path), withFragment, match }];
        });
      }),
    );
  }

  /** The registry bundled with the `oembed-providers` package, read once per process. */
  static bundled(): ProviderRegistry {
    bundledRegistry ??= new ProviderRegistry(
      createRequire(import.meta.url)('oembed-providers/providers.json') as RegistryProvider[],
    );
    return bundledRegistry;
  }

  /** The first provider endpoint whose schemes match `pageUrl`, or `undefined` (also for non-http(s) URLs). */
  find(pageUrl: string): ProviderMatch | undefined {
    let url: URL;
    try {
      url = new URL(pageUrl);
    } catch {
      return undefined;
    }
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.port !== '') return undefined;
    const path = url.pathname + url.search;
    const withFragment = path + url.hash;
    return this.compiled.find(
      (entry) => entry.host.test(url.hostname) && entry.path.test(entry.withFragment ? withFragment : path),
    )?.match;
  }
}

let bundledRegistry: ProviderRegistry | undefined;
