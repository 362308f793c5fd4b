/** Resolves `value` against `base`; `undefined` when it is empty or not a URL. */
export function resolveUrl(value: string | undefined, base: string): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  try {
    return new URL(trimmed, base).href;
  } catch {
    return undefined;
  }
}

/** Resolves `value` against `base` and keeps it only when it is an http(s) URL. */
export function resolveHttpUrl(value: string | undefined, base: string): string | undefined {
  const resolved = resolveUrl(value, base);
  return resolved !== undefined && isHttpUrl(resolved) ? resolved : undefined;
}

/** `true` for absolute `http:` and `https:` URLs. */
export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/**
 * The URL relative references resolve against: the page URL, or `<base href>` when that resolves
 * to http(s) (a `javascript:` or `data:` base would make every link unusable).
 */
export function documentBase(pageUrl: string, baseHref: string | undefined): string {
  const base = resolveHttpUrl(baseHref, pageUrl);
  return base ?? pageUrl;
}

/** `https://host/favicon.ico` for the origin of `pageUrl`, when it is http(s). */
export function faviconUrl(pageUrl: string): string | undefined {
  try {
    const url = new URL(pageUrl);
    return isHttpUrl(url.href) ? `${url.origin}/favicon.ico` : undefined;
  } catch {
    return undefined;
  }
}
