/** Every ISO 639-1 code. */
const ISO_639_1 = new Set(
  (
    'aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el ' +
    'en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ' +
    'ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na ' +
    'nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so ' +
    'sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
  ).split(' '),
);

/** ISO 639-2 (bibliographic and terminology) codes of the languages most pages are written in. */
const ISO_639_2: Partial<Record<string, string>> = {
  ara: 'ar',
  ben: 'bn',
  bul: 'bg',
  cat: 'ca',
  ces: 'cs',
  cze: 'cs',
  chi: 'zh',
  zho: 'zh',
  dan: 'da',
  deu: 'de',
  ger: 'de',
  ell: 'el',
  gre: 'el',
  eng: 'en',
  est: 'et',
  fas: 'fa',
  per: 'fa',
  fin: 'fi',
  fra: 'fr',
  fre: 'fr',
  heb: 'he',
  hin: 'hi',
  hrv: 'hr',
  hun: 'hu',
  ind: 'id',
  ita: 'it',
  jpn: 'ja',
  kor: 'ko',
  lav: 'lv',
  lit: 'lt',
  msa: 'ms',
  may: 'ms',
  nld: 'nl',
  dut: 'nl',
  nor: 'no',
  nob: 'nb',
  pol: 'pl',
  por: 'pt',
  ron: 'ro',
  rum: 'ro',
  rus: 'ru',
  slk: 'sk',
  slo: 'sk',
  slv: 'sl',
  spa: 'es',
  srp: 'sr',
  swe: 'sv',
  tha: 'th',
  tur: 'tr',
  ukr: 'uk',
  urd: 'ur',
  vie: 'vi',
};

/** Language names pages write in `<meta name="language">` (in English, or in the language itself). */
const NAMES: Partial<Record<string, string>> = {
  english: 'en',
  german: 'de',
  deutsch: 'de',
  french: 'fr',
  français: 'fr',
  francais: 'fr',
  spanish: 'es',
  español: 'es',
  espanol: 'es',
  italian: 'it',
  italiano: 'it',
  portuguese: 'pt',
  português: 'pt',
  dutch: 'nl',
  nederlands: 'nl',
  russian: 'ru',
  polish: 'pl',
  polski: 'pl',
  swedish: 'sv',
  svenska: 'sv',
  danish: 'da',
  dansk: 'da',
  norwegian: 'no',
  norsk: 'no',
  finnish: 'fi',
  suomi: 'fi',
  turkish: 'tr',
  türkçe: 'tr',
  japanese: 'ja',
  chinese: 'zh',
  korean: 'ko',
  arabic: 'ar',
  hindi: 'hi',
  indonesian: 'id',
  vietnamese: 'vi',
  ukrainian: 'uk',
  czech: 'cs',
  greek: 'el',
  hebrew: 'he',
  hungarian: 'hu',
  romanian: 'ro',
};

/** Legacy codes browsers still accept. */
const ALIASES: Partial<Record<string, string>> = { iw: 'he', in: 'id', ji: 'yi', jw: 'jv' };

/**
 * ISO 639-1 code (two lowercase letters) from a language tag or locale: `en-US`, `en_GB`, `EN`,
 * `eng`, `fre` and language names (`English`, `Deutsch`) all work; anything else is `undefined`.
 */
export function normalizeLang(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const primary = value
    .trim()
    .split(/[-_\s,;]/)[0]
    .toLowerCase();
  const code = ALIASES[primary] ?? NAMES[primary] ?? (primary.length === 3 ? ISO_639_2[primary] : primary);
  return code !== undefined && ISO_639_1.has(code) ? code : undefined;
}
