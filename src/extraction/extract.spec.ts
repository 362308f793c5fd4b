import { extract } from './extract.js';

const URL_ = 'https://news.example.com/2024/03/story?id=1';

const ARTICLE = `<!doctype html>
<html lang="en-US"><head>
  <meta charset="utf-8">
  <base href="/assets/">
  <title>Ignored title | Example News</title>
  <meta property="og:type" content="article">
  <meta property="og:title" content="Rock &amp;amp; Roll &amp;#39;Forever&amp;#39;">
  <meta property="og:description" content="  A story
      about   music.  ">
  <meta property="og:site_name" content="Example News">
  <meta property="og:url" content="https://news.example.com/2024/03/story">
  <meta property="og:locale" content="en_GB">
  <meta property="og:image" content="img/hero.jpg">
  <meta property="og:image:width" content="1200">
  <meta property="og:image:height" content="630">
  <meta property="og:image:alt" content="The band">
  <meta property="og:image" content="img/hero.jpg">
  <meta property="og:image" content="javascript:alert(1)">
  <meta property="og:image" content="https://cdn.example.com/second.png">
  <meta property="og:image:type" content="image/png">
  <meta property="og:video" content="https://video.example.com/v.mp4">
  <meta property="og:video:type" content="video/mp4">
  <meta property="article:published_time" content="Tue, 05 Mar 2024 10:00:00 +0100">
  <meta property="article:modified_time" content="2024/03/06">
  <meta name="author" content="By Jane Doe, Senior Music Reporter">
  <meta name="theme-color" content="#ff0066">
  <link rel="icon" href="/favicon-32.png" sizes="32x32" type="image/png">
  <link rel="apple-touch-icon" href="touch.png">
  <link rel="icon" href="data:image/png;base64,AAAA">
  <link rel="alternate" type="application/json+oembed" href="https://news.example.com/oembed?url=x">
  <link rel="alternate" type="text/xml+oembed" href="/oembed.xml?url=x">
</head><body><p>body text is never read because the head answers everything</p></body></html>`;

describe('extract', () => {
  it('reads a fully tagged article from its head alone, normalising every field', () => {
    expect(extract(ARTICLE, URL_)).toEqual({
      canonicalUrl: 'https://news.example.com/2024/03/story',
      type: 'article',
      title: "Rock & Roll 'Forever'",
      description: 'A story about music.',
      siteName: 'Example News',
      lang: 'en',
      author: 'Jane Doe',
      publishedAt: '2024-03-05T09:00:00.000Z',
      modifiedAt: '2024-03-06T00:00:00.000Z',
      themeColor: '#ff0066',
      images: [
        { url: 'https://news.example.com/assets/img/hero.jpg', width: 1200, height: 630, alt: 'The band' },
        { url: 'https://cdn.example.com/second.png', type: 'image/png' },
      ],
      videos: [{ url: 'https://video.example.com/v.mp4', type: 'video/mp4' }],
      icons: [
        { url: 'https://news.example.com/assets/touch.png', rel: 'apple-touch-icon' },
        { url: 'https://news.example.com/favicon-32.png', rel: 'icon', sizes: '32x32', type: 'image/png' },
      ],
      oembedLinks: [
        { url: 'https://news.example.com/oembed?url=x', format: 'json' },
        { url: 'https://news.example.com/oembed.xml?url=x', format: 'xml' },
      ],
      sources: {
        type: 'og:type',
        canonicalUrl: 'og:url',
        title: 'og:title',
        description: 'og:description',
        siteName: 'og:site_name',
        lang: 'og:locale',
        author: 'meta:author',
        publishedAt: 'article:published_time',
        modifiedAt: 'article:modified_time',
        themeColor: 'meta:theme-color',
        images: 'og:image',
        videos: 'og:video',
        icons: 'link[rel~=icon]',
        oembedLinks: 'link[type*=oembed]',
      },
      truncatedScan: true,
    });
  });

  it('falls back to JSON-LD in the body (@graph, @id references, malformed blocks tolerated)', () => {
    const html = `<html><head><title>Plain title</title>
      <script type="application/ld+json">{ "broken": </script></head><body>
      <script type="application/ld+json">
      {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": "Site Name", "description": "site-wide"},
        {"@type": "NewsArticle", "headline": "JSON-LD headline", "description": "From JSON-LD.",
         "datePublished": "2024-03-05T08:00:00Z", "dateModified": 1709683200,
         "author": [{"@id": "#jane"}, {"@type": "Person", "name": "John Roe"}],
         "publisher": {"@type": "Organization", "name": "The Publisher"},
         "image": {"@type": "ImageObject", "url": "/lead.jpg", "width": 800, "height": 450},
         "inLanguage": "de-DE",
         "video": {"@type": "VideoObject", "contentUrl": "/clip.mp4"}},
        {"@type": "Person", "@id": "#jane", "name": "Jane Doe"},
      ]}
      </script></body></html>`;
    expect(extract(html, 'https://example.org/a/')).toEqual({
      type: 'article',
      title: 'JSON-LD headline',
      description: 'From JSON-LD.',
      siteName: 'The Publisher',
      lang: 'de',
      author: 'Jane Doe and John Roe',
      publishedAt: '2024-03-05T08:00:00.000Z',
      modifiedAt: '2024-03-06T00:00:00.000Z',
      images: [{ url: 'https://example.org/lead.jpg', width: 800, height: 450 }],
      videos: [{ url: 'https://example.org/clip.mp4' }],
      icons: [{ url: 'https://example.org/favicon.ico', rel: 'icon' }],
      sources: {
        type: 'jsonld:@type',
        title: 'jsonld:headline',
        description: 'jsonld:description',
        siteName: 'jsonld:publisher.name',
        lang: 'jsonld:inLanguage',
        author: 'jsonld:author',
        publishedAt: 'jsonld:datePublished',
        modifiedAt: 'jsonld:dateModified',
        images: 'jsonld:image',
        videos: 'jsonld:video',
        icons: '/favicon.ico',
      },
    });
  });

  it('uses microdata, Dublin Core and citation tags when Open Graph is missing', () => {
    const html = `<html><head>
      <meta name="citation_title" content="A Paper">
      <meta name="DC.description" content="An abstract.">
      <meta name="citation_journal_title" content="Journal of Things">
      <meta name="citation_author" content="Roe, Richard">
      <meta name="citation_publication_date" content="2021/07/01">
      <meta name="DC.language" content="eng">
      </head><body>
      <div itemscope itemtype="https://schema.org/Product"><img itemprop="image" src="/p.png"></div>
      </body></html>`;
    expect(extract(html, 'http://journal.example/paper')).toEqual({
      type: 'product',
      title: 'A Paper',
      description: 'An abstract.',
      siteName: 'Journal of Things',
      lang: 'en',
      author: 'Roe, Richard',
      publishedAt: '2021-07-01T00:00:00.000Z',
      images: [{ url: 'http://journal.example/p.png' }],
      icons: [{ url: 'http://journal.example/favicon.ico', rel: 'icon' }],
      sources: {
        type: 'itemtype',
        title: 'citation_title',
        description: 'dc.description',
        siteName: 'citation_journal_title',
        lang: 'dc.language',
        author: 'citation_author',
        publishedAt: 'citation_publication_date',
        images: 'itemprop:image',
        icons: '/favicon.ico',
      },
    });
  });

  it('falls back to plain HTML: title, first paragraph, h1-free pages, body images, canonical link', () => {
    const html = `<html lang="fr"><head><title> Le titre  -  Mon Site </title>
      <link rel="canonical" href="/canon"><meta name="twitter:site" content="@monsite">
      <meta property="og:description" content="http://example.com/not-a-description">
      <meta property="og:url" content="ftp://example.com/x"></head>
      <body><nav><p>${'Menu entries are not the first meaningful paragraph of this page at all. '.repeat(2)}</p></nav>
      <noscript><p>${'Please enable JavaScript to view this page, this is not a description. '.repeat(2)}</p></noscript>
      <p>${'Voici le premier paragraphe qui décrit vraiment la page et son contenu. '.repeat(2)}</p>
      <a rel="author" href="/moi">Marie Curie</a><time datetime="hier">hier</time>
      <span class="date">2024-03-05</span><img src="/photo.jpg" width="640" height="480"></body></html>`;
    expect(extract(html, 'https://example.fr/page')).toEqual({
      canonicalUrl: 'https://example.fr/canon',
      type: 'website',
      title: 'Le titre - Mon Site',
      description:
        'Voici le premier paragraphe qui décrit vraiment la page et son contenu. Voici le premier paragraphe qui décrit vraiment la page et son contenu.',
      siteName: 'monsite',
      lang: 'fr',
      author: 'Marie Curie',
      publishedAt: '2024-03-05T00:00:00.000Z',
      images: [{ url: 'https://example.fr/photo.jpg', width: 640, height: 480 }],
      icons: [{ url: 'https://example.fr/favicon.ico', rel: 'icon' }],
      sources: {
        type: 'default',
        canonicalUrl: 'link[rel=canonical]',
        title: 'title',
        description: 'p',
        siteName: 'twitter:site',
        lang: 'html[lang]',
        author: 'rel=author',
        publishedAt: '[class*=date]',
        images: 'img',
        icons: '/favicon.ico',
      },
    });
  });

  it('returns only a type, sources and the favicon for an empty document', () => {
    expect(extract('', 'https://example.com/')).toEqual({
      type: 'website',
      icons: [{ url: 'https://example.com/favicon.ico', rel: 'icon' }],
      sources: { type: 'default', icons: '/favicon.ico' },
    });
  });

  it('ignores meta values cut short by an unescaped quote and media URLs posing as images', () => {
    const html = `<head><meta property="og:title" content="The hit "Song" returns">
      <meta property="og:image" content="/clip.mp4"><meta name="twitter:image" content="/card.jpg">
      <title>The hit "Song" returns - Site</title></head>`;
    expect(extract(html, 'https://example.com/')).toEqual({
      type: 'website',
      title: 'The hit "Song" returns - Site',
      siteName: 'Site',
      images: [{ url: 'https://example.com/card.jpg' }],
      icons: [{ url: 'https://example.com/favicon.ico', rel: 'icon' }],
      sources: {
        type: 'default',
        title: 'title',
        siteName: 'title segment',
        images: 'twitter:image',
        icons: '/favicon.ico',
      },
    });
  });

  it('reads a profile page from JSON-LD and drops the site name leading its title', () => {
    const html = `<html lang="en"><head><meta property="og:site_name" content="Example Journal">
      <meta property="og:title" content="Example Journal | Reading rules as data">
      <script type="application/ld+json">{"@type":"ProfilePage","mainEntity":{"@type":"Person","name":"Jane Doe",
        "description":"Writes about parsers.","image":"https://cdn.example.org/jane.jpg"}}</script>
      </head><body></body></html>`;
    expect(extract(html, 'https://journal.example.org/people/jane')).toEqual({
      type: 'profile',
      title: 'Reading rules as data',
      description: 'Writes about parsers.',
      siteName: 'Example Journal',
      lang: 'en',
      author: 'Jane Doe',
      images: [{ url: 'https://cdn.example.org/jane.jpg' }],
      icons: [{ url: 'https://journal.example.org/favicon.ico', rel: 'icon' }],
      sources: {
        type: 'jsonld:@type',
        siteName: 'og:site_name',
        title: 'og:title',
        description: 'jsonld:ProfilePage.mainEntity.description',
        lang: 'html[lang]',
        author: 'jsonld:ProfilePage.mainEntity.name',
        images: 'jsonld:ProfilePage.mainEntity.image',
        icons: '/favicon.ico',
      },
    });
  });

  describe('on hostile pages', () => {
    it('returns the title it read first when 200,000 nested elements follow, and says the scan stopped', () => {
      const html = `<title>deep</title>${'<div>'.repeat(200_000)}`;
      expect(extract(html, 'https://example.com/')).toEqual({
        type: 'website',
        title: 'deep',
        icons: [{ url: 'https://example.com/favicon.ico', rel: 'icon' }],
        sources: { type: 'default', title: 'title', icons: '/favicon.ico' },
        budget: 'depth',
      });
    });

    it('caps a 900,000-character og:title and an unclosed <title> followed by 1 MiB of text', () => {
      const long = extract(`<head><meta property="og:title" content="${'word '.repeat(180_000)}">`, 'https://e.com/');
      const unclosed = extract(`<head><title>${'x'.repeat(1 << 20)}`, 'https://e.com/');
      expect([long.title?.length, long.title?.endsWith('word…'), unclosed.title?.length]).toEqual([300, true, 300]);
    });

    it('keeps a small preview of a page with 50,000 og:image tags', () => {
      const tags = Array.from({ length: 50_000 }, (_, i) => `<meta property="og:image" content="/i/${i}.jpg">`);
      const metadata = extract(`<head>${tags.join('')}</head>`, 'https://e.com/');
      expect(metadata.images).toEqual(Array.from({ length: 8 }, (_, i) => ({ url: `https://e.com/i/${i}.jpg` })));
      expect(JSON.stringify(metadata).length).toBeLessThan(2000);
    });

    it('caps every text field and alt text, drops URLs longer than 2048 characters, and caps the lists', () => {
      const words = (n: number): string => 'lorem '.repeat(n).trim();
      const icons = Array.from({ length: 20 }, (_, i) => `<link rel="icon" href="/icon-${i}.png">`).join('');
      const videos = Array.from({ length: 20 }, (_, i) => `<meta property="og:video" content="/v${i}.mp4">`).join('');
      const html = `<head>
        <meta property="og:description" content="${words(1000)}">
        <meta property="og:site_name" content="${words(100)}">
        <meta property="og:image" content="/${'a'.repeat(3000)}.jpg">
        <meta property="og:image" content="/ok.jpg"><meta property="og:image:alt" content="${words(200)}">
        <meta name="theme-color" content="${'#'.repeat(100)}">${icons}${videos}</head>`;
      const m = extract(html, 'https://e.com/');
      expect({
        description: m.description?.length,
        siteName: m.siteName?.length,
        images: m.images?.map((image) => [image.url, image.alt?.length]),
        themeColor: m.themeColor,
        icons: m.icons?.length,
        videos: m.videos?.length,
      }).toEqual({
        description: 996,
        siteName: 96,
        images: [['https://e.com/ok.jpg', 300]],
        themeColor: undefined,
        icons: 8,
        videos: 4,
      });
    });
  });

  describe('general rules', () => {
    it('reads <meta name="title">, "language" and "thumbnail" when nothing better is declared', () => {
      const html = `<head><meta name="title" content="Meta title"><meta name="language" content="German">
        <meta name="thumbnail" content="/thumb.jpg"></head><body></body>`;
      expect(extract(html, 'https://e.com/a')).toMatchObject({
        title: 'Meta title',
        lang: 'de',
        images: [{ url: 'https://e.com/thumb.jpg' }],
        sources: { title: 'meta:title', lang: 'meta:language', images: 'meta:thumbnail' },
      });
    });

    it("prefers a rel=canonical naming the page to an og:url naming the site's home page", () => {
      const html = (canonical: string): string =>
        `<head><meta property="og:url" content="https://e.com/">${canonical}</head>`;
      expect([
        extract(html('<link rel="canonical" href="/news/story">'), 'https://e.com/news/story?ref=x').canonicalUrl,
        extract(html(''), 'https://e.com/news/story').canonicalUrl,
        extract(html('<link rel="canonical" href="/other">'), 'https://e.com/').canonicalUrl,
      ]).toEqual(['https://e.com/news/story', 'https://e.com/', 'https://e.com/']);
    });

    it('keeps a leading brand when og:title and twitter:title both declare the title whole', () => {
      const html = (twitter: string): string =>
        `<head><meta property="og:site_name" content="Example"><meta property="og:title" content="Example | Story">${twitter}</head>`;
      expect([
        extract(html('<meta name="twitter:title" content="Example | Story">'), 'https://e.com/').title,
        extract(html('<meta name="twitter:title" content="Story">'), 'https://e.com/').title,
        extract(html(''), 'https://e.com/').title,
      ]).toEqual(['Example | Story', 'Story', 'Story']);
    });

    it("gives an image the twitter:image:alt written for it, and never another image's", () => {
      const html = (twitterImage: string): string => `<head><meta property="og:image" content="https://e.com/a.jpg">
        <meta name="twitter:image" content="${twitterImage}"><meta name="twitter:image:alt" content="Alt of the card"></head>`;
      expect([
        extract(html('https://e.com/a.jpg'), 'https://e.com/').images,
        extract(html('https://e.com/other.jpg'), 'https://e.com/').images,
      ]).toEqual([[{ url: 'https://e.com/a.jpg', alt: 'Alt of the card' }], [{ url: 'https://e.com/a.jpg' }]]);
    });

    it('names the web-app manifest of the page', () => {
      expect(
        extract('<head><link rel="manifest" href="/site.webmanifest"></head>', 'https://e.com/a/b').manifestUrl,
      ).toBe('https://e.com/site.webmanifest');
    });
  });
});
