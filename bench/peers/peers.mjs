/*
 * The peer extractors of bench:extract, each mapped to the eight scored fields. This file belongs to the separate
 * benchmark package in this folder (its own package.json and lockfile), so the service's own install never
 * builds their native dependencies. Every peer gets the page as the service decodes it (the production decoder,
 * run once by the caller, outside the timed rounds), and every date is read the way the expected answers read
 * it: the modification time, else the publication time.
 */
import createMetascraper from 'metascraper';
import metascraperAmazon from 'metascraper-amazon';
import metascraperAuthor from 'metascraper-author';
import metascraperBluesky from 'metascraper-bluesky';
import metascraperDate from 'metascraper-date';
import metascraperDescription from 'metascraper-description';
import metascraperImage from 'metascraper-image';
import metascraperImdb from 'metascraper-imdb';
import metascraperInstagram from 'metascraper-instagram';
import metascraperLang from 'metascraper-lang';
import metascraperLogo from 'metascraper-logo';
import metascraperPublisher from 'metascraper-publisher';
import metascraperReadability from 'metascraper-readability';
import metascraperTiktok from 'metascraper-tiktok';
import metascraperTitle from 'metascraper-title';
import metascraperUol from 'metascraper-uol';
import metascraperUrl from 'metascraper-url';
import metascraperX from 'metascraper-x';
import metascraperYoutube from 'metascraper-youtube';
import ogs from 'open-graph-scraper';
import { unfurl } from 'unfurl.js';

const FIELDS = ['title', 'description', 'image', 'url', 'lang', 'publisher', 'author', 'date'];

/** Vendor packages that probe URLs over the network get a lookup that fails at once: the benchmark runs offline. */
const offlineGot = {
  retry: 0,
  dnsLookup: (_host, _options, callback) => callback(new Error('the benchmark runs offline')),
};

const coreRules = () => [
  metascraperAuthor(),
  metascraperDate(),
  metascraperDescription(),
  metascraperImage(),
  metascraperLang(),
  metascraperLogo(),
  metascraperPublisher(),
  metascraperTitle(),
  metascraperUrl(),
];

/**
 * The vendor packages published for the hosts of the corpus's vendor pages (metascraper-citation, -dribbble and
 * -reddit are not published), before the core rules as metascraper's docs order them; readability is the generic
 * fallback of last resort.
 */
const vendorRules = () => [
  metascraperYoutube({ gotOpts: offlineGot }),
  metascraperX(),
  metascraperAmazon(),
  metascraperBluesky(),
  metascraperImdb(),
  metascraperInstagram(),
  metascraperTiktok(),
  metascraperUol(),
];

const asString = (value) => (typeof value === 'string' ? value : undefined);

function metascraperPeer(name, rules) {
  const metascraper = createMetascraper(rules);
  return {
    name,
    run: async ({ html, url }) => {
      const m = await metascraper({ html, url, validateUrl: false });
      return Object.fromEntries(FIELDS.map((field) => [field, asString(m[field])]));
    },
  };
}

const openGraphScraper = {
  name: 'open-graph-scraper',
  run: async ({ html, url }) => {
    const { result: r } = await ogs({ html });
    return {
      title: r.ogTitle ?? r.twitterTitle,
      description: r.ogDescription ?? r.twitterDescription,
      image: r.ogImage?.[0]?.url ?? r.twitterImage?.[0]?.url,
      url: r.ogUrl ?? url,
      lang: r.ogLocale,
      publisher: r.ogSiteName,
      author: r.author ?? r.articleAuthor ?? r.dcCreator,
      date: r.articleModifiedTime ?? r.articlePublishedTime ?? r.ogDate,
    };
  },
};

const unfurlJs = {
  name: 'unfurl.js',
  run: async ({ utf8, url }) => {
    const u = await unfurl(url, {
      oembed: false,
      fetch: () =>
        Promise.resolve(new globalThis.Response(utf8, { headers: { 'content-type': 'text/html; charset=utf-8' } })),
    });
    const og = u.open_graph;
    // unfurl.js files article:* tags under open_graph.articles (its types say `article`).
    const article = og?.articles?.[0];
    return {
      title: og?.title ?? u.twitter_card?.title ?? u.title,
      description: og?.description ?? u.twitter_card?.description ?? u.description,
      image: og?.images?.[0]?.url ?? u.twitter_card?.images?.[0]?.url,
      url: og?.url ?? u.canonical_url ?? url,
      lang: og?.locale ?? u.lang,
      publisher: og?.site_name,
      author: u.author,
      date: article?.modified_time ?? article?.published_time,
    };
  },
};

/** The peers, in the order the benchmark prints them. */
export function createPeers() {
  return [
    metascraperPeer('metascraper', coreRules()),
    metascraperPeer('metascraper + vendors', [...vendorRules(), ...coreRules(), metascraperReadability()]),
    openGraphScraper,
    unfurlJs,
  ];
}
