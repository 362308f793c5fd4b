import { registerAs } from '@nestjs/config';
import { ConfigError, type Env } from './env.js';

/**
 * Registry providers whose oEmbed endpoint needs a credential, matched case-insensitively to the registry's
 * `provider_name`. Meta's Graph oEmbed (Facebook, Instagram) answers nothing without an app access token.
 */
export const OEMBED_CREDENTIAL_PROVIDERS = ['facebook', 'instagram'] as const;
export type OembedCredentialProvider = (typeof OEMBED_CREDENTIAL_PROVIDERS)[number];

const VARIABLE = 'OEMBED_PROVIDER_TOKENS';
const ALLOWED = `comma-separated provider:token pairs, provider one of ${OEMBED_CREDENTIAL_PROVIDERS.join(', ')}, each at most once, token of printable characters without spaces or commas`;
// Printable ASCII without space and comma: Meta tokens look like `APPID|CLIENT_TOKEN`.
const TOKEN = /^[\x21-\x2b\x2d-\x7e]+$/;

function isCredentialProvider(name: string): name is OembedCredentialProvider {
  return (OEMBED_CREDENTIAL_PROVIDERS as readonly string[]).includes(name);
}

/** The error names the variable and the offending pair but never shows a token, even a malformed one. */
function refuse(item: string): never {
  const colon = item.indexOf(':');
  const shown = colon === -1 ? `<redacted, ${item.length} characters>` : `${item.slice(0, colon)}:<redacted>`;
  throw new ConfigError(VARIABLE, shown, ALLOWED);
}

/** oEmbed settings: credentials of the registry providers that need them. */
export function readOembedConfig(env: Env = process.env) {
  const providerTokens: Partial<Record<OembedCredentialProvider, string>> = {};
  const items = (env[VARIABLE] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) {
    const colon = item.indexOf(':');
    if (colon === -1) refuse(item);
    const provider = item.slice(0, colon).trim().toLowerCase();
    const token = item.slice(colon + 1).trim();
    if (!isCredentialProvider(provider) || providerTokens[provider] !== undefined || !TOKEN.test(token)) refuse(item);
    providerTokens[provider] = token;
  }
  return { providerTokens };
}

export const oembedConfig = registerAs('oembed', () => readOembedConfig());
export type OembedConfig = ReturnType<typeof readOembedConfig>;
