import { ConfigError } from './env.js';
import { readOembedConfig } from './oembed.config.js';

const ALLOWED =
  'comma-separated provider:token pairs, provider one of facebook, instagram, each at most once, token of printable characters without spaces or commas';

describe('readOembedConfig', () => {
  it('has no provider tokens by default', () => {
    expect(readOembedConfig({})).toEqual({ providerTokens: {} });
    expect(readOembedConfig({ OEMBED_PROVIDER_TOKENS: ' ' })).toEqual({ providerTokens: {} });
  });

  it('reads provider:token pairs, matching provider names case-insensitively', () => {
    const env = { OEMBED_PROVIDER_TOKENS: ' Facebook:123|abc , INSTAGRAM:456|def,' };
    expect(readOembedConfig(env)).toEqual({ providerTokens: { facebook: '123|abc', instagram: '456|def' } });
  });

  it('keeps a colon inside the token', () => {
    expect(readOembedConfig({ OEMBED_PROVIDER_TOKENS: 'facebook:a:b' })).toEqual({
      providerTokens: { facebook: 'a:b' },
    });
  });

  it.each([
    ['123|secret', '<redacted, 10 characters>'],
    ['youtube:123|secret', 'youtube:<redacted>'],
    ['facebook:', 'facebook:<redacted>'],
    ['facebook:has space', 'facebook:<redacted>'],
    [':123|secret', ':<redacted>'],
  ])('refuses %p without showing the token', (value, shown) => {
    expect(() => readOembedConfig({ OEMBED_PROVIDER_TOKENS: value })).toThrow(
      new ConfigError('OEMBED_PROVIDER_TOKENS', shown, ALLOWED),
    );
  });

  it('refuses a provider named twice', () => {
    expect(() => readOembedConfig({ OEMBED_PROVIDER_TOKENS: 'facebook:1|a,FACEBOOK:2|b' })).toThrow(
      new ConfigError('OEMBED_PROVIDER_TOKENS', 'FACEBOOK:<redacted>', ALLOWED),
    );
  });

  it('never puts a token in the error message', () => {
    let message = '';
    try {
      readOembedConfig({ OEMBED_PROVIDER_TOKENS: 'instagram:1|topsecret,facebook:2|top secret' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(`Invalid value for OEMBED_PROVIDER_TOKENS: "facebook:<redacted>" (allowed: ${ALLOWED})`);
  });
});
